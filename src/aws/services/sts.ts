/** STS: who the caller is. */
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { Aws } from "../clients.js";

export class StsService {
  constructor(private readonly aws: Aws) {}

  async getCallerIdentity(): Promise<{ account: string; arn: string }> {
    const out = await this.aws.call("sts", new GetCallerIdentityCommand({}));
    return { account: out.Account ?? "unknown", arn: out.Arn ?? "unknown" };
  }

  /** Temporary credentials for a role (reading another account's resources, when the config names a role for it). */
  async assumeRole(roleArn: string, sessionName: string, externalId?: string): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration?: Date }> {
    const out = await this.aws.call("sts", new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, ExternalId: externalId, DurationSeconds: 900 }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`AssumeRole ${roleArn} answered without credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration ? { expiration: c.Expiration } : {}) };
  }
}
