/**
 * What Slack serves for a private file URL fetched without a valid bearer token, or by an app without the
 * files:read scope: its sign-in page, with status 200 (vercel/chat and several Slack SDK issues describe it).
 */
export const loginPage = `<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="utf-8"><title>Slack</title></head>
<body class="signin">
<h1>Sign in to your workspace</h1>
<form action="/signin" method="post"><input type="email" name="email"><button type="submit">Continue</button></form>
</body>
</html>
`;
