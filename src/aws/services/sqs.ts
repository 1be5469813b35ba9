/** SQS, narrowed to the operations course-doctor uses. */
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type QueueAttributeName } from "@aws-sdk/client-sqs";
import type { Aws } from "../clients.js";

export { queueUrlOf } from "../../model/arn.js";

export class SqsService {
  constructor(private readonly aws: Aws) {}

  async getQueueAttributes(url: string, names: QueueAttributeName[]): Promise<Record<string, string>> {
    const out = await this.aws.call("sqs", new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }));
    return out.Attributes ?? {};
  }

  /**
   * Reads up to 10 messages with a zero visibility timeout, so they stay on the queue for its
   * real consumer (their receive count does go up).
   */
  async peekMessages(url: string): Promise<Message[]> {
    const out = await this.aws.call(
      "sqs",
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["SentTimestamp"] }),
    );
    return out.Messages ?? [];
  }
}
