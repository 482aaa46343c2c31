// Cognito pre token generation (V2): turns group membership into OAuth scopes in the access token,
// so API Gateway's JWT authorizer can tell admins from users. Every signed-in user gets the user
// scope; members of the admins group also get the admin scope.
export const handler = async (event) => {
  const groups = event.request?.groupConfiguration?.groupsToOverride ?? [];
  const prefix = process.env.SCOPE_PREFIX;
  const scopes = [`${prefix}/user`];
  if (groups.includes(process.env.ADMIN_GROUP)) scopes.push(`${prefix}/admin`);
  event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: scopes } } };
  return event;
};
