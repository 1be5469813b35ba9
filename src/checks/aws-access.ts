import { couldNotRead, finding, type Check } from "./support.js";

/** Credentials resolve and the endpoint answers: everything else rests on it. */
export const awsAccessCheck: Check = {
  id: "aws.access",
  title: "credentials resolve and the endpoint answers; account and region known",
  needsAccount: true,
  run(snapshot) {
    const identity = snapshot.identity;
    const endpoint = snapshot.request.endpoint;
    if (!identity.ok) {
      const found = couldNotRead("aws.access", "the caller's identity", identity);
      if (identity.reason === "no-credentials") {
        found.title = "no usable credentials";
        found.fix = "Sign in (aws sso login, or set AWS_PROFILE / --profile) and run again.";
      } else if (identity.reason === "unreachable") {
        found.title = `endpoint unreachable${endpoint ? `: ${endpoint}` : ""}`;
        found.fix = endpoint ? `Check --endpoint-url / AWS_ENDPOINT_URL (${endpoint}).` : "Check the network and --region.";
      }
      return [found];
    }
    const { arn, account, region } = identity.value;
    return [
      finding("aws.access", "pass", `credentials for ${arn}`, {
        evidence: { arn, account, region, ...(endpoint ? { endpoint } : {}) },
        ...(endpoint ? { detail: `talking to ${endpoint}, not AWS itself` } : {}),
      }),
    ];
  },
};
