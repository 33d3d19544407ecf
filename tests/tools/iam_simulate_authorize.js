// iam_simulate_authorize.js - ask @cloud-copilot/iam-simulate, an IAM
// evaluator ecr-wizard did not write, whether a role's trust policy lets
// GitHub's OIDC provider assume the role with a given token.
//
// usage: node iam_simulate_authorize.js PACKAGE_DIR < request.json
//
// request.json: {"queries": [{"id", "trust": {...policy...},
//                             "provider": "arn:aws:iam::A:oidc-provider/...",
//                             "role": "arn:aws:iam::A:role/NAME",
//                             "sub": "repo:O/R:...", "aud": "sts.amazonaws.com"}]}
// prints one line per query: "ID Allowed" / "ID ImplicitlyDenied" / ...
//
// The package's core authorize() is called directly (it is not in the
// package's export map, so its files are required by path): the trust policy
// is the resource policy, the principal the federated provider, the action
// sts:AssumeRoleWithWebIdentity, and the token's claims are the context keys
// token.actions.githubusercontent.com:sub and :aud.  Strict mode: every
// condition is evaluated against the request as given.
'use strict';
const path = require('path');
const fs = require('fs');

const base = process.argv[2];
if (!base) {
	console.error('usage: node iam_simulate_authorize.js PACKAGE_DIR');
	process.exit(2);
}
const dist = path.join(base, 'dist', 'cjs');
const { authorize } = require(path.join(dist, 'core_engine', 'CoreSimulatorEngine.js'));
const { AwsRequestImpl } = require(path.join(dist, 'request', 'request.js'));
const { RequestContextImpl } = require(path.join(dist, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = require(
	path.join(dist, 'context_keys', 'discoveryContextKeyConstraints.js'));
const { loadPolicy, validateTrustPolicy } = require(
	require.resolve('@cloud-copilot/iam-policy', { paths: [base] }));

const ISSUER = 'token.actions.githubusercontent.com';
const req = JSON.parse(fs.readFileSync(0, 'utf8'));
let bad = false;

for (const q of req.queries) {
	const errors = validateTrustPolicy(q.trust);
	if (errors && errors.length) {
		console.log(q.id + ' InvalidPolicy ' + JSON.stringify(errors));
		bad = true;
		continue;
	}
	const account = q.role.split(':')[4];
	const context = {};
	context[ISSUER + ':sub'] = q.sub;
	context[ISSUER + ':aud'] = q.aud;
	const result = authorize({
		request: new AwsRequestImpl(
			q.provider, { resource: q.role, accountId: account },
			'sts:AssumeRoleWithWebIdentity',
			new RequestContextImpl(context), false),
		sessionPolicy: undefined,
		identityPolicies: [],
		serviceControlPolicies: [],
		resourceControlPolicies: [],
		resourcePolicy: loadPolicy(q.trust, { name: 'trust' }),
		permissionBoundaries: undefined,
		vpcEndpointPolicies: undefined,
		simulationParameters: {
			simulationMode: 'Strict',
			discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
		},
	});
	console.log(q.id + ' ' + result.result);
}
process.exit(bad ? 1 : 0);
