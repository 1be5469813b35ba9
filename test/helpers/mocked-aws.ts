import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { STSClient } from "@aws-sdk/client-sts";
import { Aws } from "../../src/aws/clients.js";

/** An Aws whose EventBridge, Logs and STS clients aws-sdk-client-mock intercepts (mock the classes first); no endpoint override, so Live Tail is tried. */
export function mockedAws(): Aws {
  return new Aws({
    region: "us-east-1",
    timeoutMs: 10_000,
    env: {},
    clients: { events: new EventBridgeClient({ region: "us-east-1" }), logs: new CloudWatchLogsClient({ region: "us-east-1" }), sts: new STSClient({ region: "us-east-1" }) },
  });
}
