/** Step Functions, narrowed to whether a state machine exists. */
import { DescribeStateMachineCommand } from "@aws-sdk/client-sfn";
import type { Aws } from "../clients.js";

export class StatesService {
  constructor(private readonly aws: Aws) {}

  /** The state machine's status (ACTIVE, DELETING); throws not-found for a missing one. */
  async describeStateMachine(arn: string): Promise<{ status: string }> {
    const out = await this.aws.call("states", new DescribeStateMachineCommand({ stateMachineArn: arn }));
    return { status: out.status ?? "ACTIVE" };
  }
}
