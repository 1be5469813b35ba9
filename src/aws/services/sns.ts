/** SNS, narrowed to reading a topic's attributes. */
import { GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import type { Aws } from "../clients.js";

export class SnsService {
  constructor(private readonly aws: Aws) {}

  /** The topic's attributes (Policy, KmsMasterKeyId, FifoTopic, ...); throws not-found for a missing topic. */
  async getTopicAttributes(arn: string): Promise<Record<string, string>> {
    return (await this.aws.call("sns", new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
  }
}
