/** STS: who the caller is. */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../clients.js";

export class StsService {
  constructor(private readonly aws: Aws) {}

  async getCallerIdentity(): Promise<{ account: string; arn: string }> {
    const out = await this.aws.call("sts", new GetCallerIdentityCommand({}));
    return { account: out.Account ?? "unknown", arn: out.Arn ?? "unknown" };
  }
}
