/** KMS, narrowed to what a key's users need to know: who manages it, and its policy. */
import { DescribeKeyCommand, GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import type { Aws } from "../clients.js";

export class KmsService {
  constructor(private readonly aws: Aws) {}

  /** The key an id, ARN or alias names: its id, ARN and manager (AWS or CUSTOMER). */
  async describeKey(key: string): Promise<{ keyId: string; arn: string; manager: "AWS" | "CUSTOMER" }> {
    const out = await this.aws.call("kms", new DescribeKeyCommand({ KeyId: key }));
    const meta = out.KeyMetadata;
    return { keyId: meta?.KeyId ?? key, arn: meta?.Arn ?? key, manager: meta?.KeyManager === "AWS" ? "AWS" : "CUSTOMER" };
  }

  async getKeyPolicy(keyId: string): Promise<string> {
    return (await this.aws.call("kms", new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "default" }))).Policy ?? "";
  }
}
