import type { Actor } from './Actor.ts';

/**
 * Who may change a chat channel from chat, as a platform's `*_COMMAND_USERS` says: anyone
 * (unset or `anyone`), the workspace's admins and owners (`admins`, where the platform can
 * tell), or the listed user ids.
 */
export type CommandUsers = { kind: 'anyone' } | { kind: 'admins' } | { kind: 'ids'; ids: ReadonlySet<string> };

export function parseCommandUsers(text: string | undefined): CommandUsers {
  const t = (text ?? '').trim();
  if (t === '' || t === 'anyone') return { kind: 'anyone' };
  if (t === 'admins') return { kind: 'admins' };
  return { kind: 'ids', ids: new Set(t.split(',').map((s) => s.trim())) };
}

/** A chat platform's rule: its variable, what it says, and (where it has admins) how to ask. */
export interface PlatformRule {
  /** The variable that sets it, named in refusals (`SLACK_COMMAND_USERS`). */
  variable: string;
  users: CommandUsers;
  /** Whether the user is an admin or owner of the workspace; throws when it cannot tell. */
  isAdmin?: (userId: string) => Promise<boolean>;
  /**
   * The members of a reviewer entry that names a group of people (Slack's user groups), or null
   * when the entry is not a group; throws when it cannot tell. Absent: the platform has no groups.
   */
  members?: (id: string) => Promise<readonly string[] | null>;
  /** The user's e-mail address, where the platform gives it (null: unknown). */
  emailOf?: (userId: string) => Promise<string | null>;
}

/**
 * The one permission check of src/actions/: whether an actor may change a channel. The admin
 * page, its API and the CLI may (they are behind the admin sign-in or on the host); a chat
 * user may change only the chat channel they typed in, under their platform's rule. Returns
 * true or, for the refusal, why not.
 */
export class ChangePolicy {
  private readonly rules = new Map<string, PlatformRule>();

  /** Sets a platform's rule (each platform's inbound side registers its own at start). */
  setRule(platform: string, rule: PlatformRule): void {
    this.rules.set(platform, rule);
  }

  /**
   * Whether an actor is one of `reviewers`: in chat, a user id, or a member of a listed group on
   * platforms that have groups; on the admin page, the e-mail their sign-in vouched for.
   */
  async isReviewer(actor: Actor, reviewers: readonly string[]): Promise<boolean> {
    if (actor.via === 'page') {
      // Someone signed in to the admin page: a reviewer of a channel decided by link, by their (verified) e-mail.
      const email = (await this.emailOf(actor))?.toLowerCase();
      return email !== undefined && reviewers.some((r) => r.toLowerCase() === email);
    }
    if (actor.via !== 'chat' || actor.id === null || actor.platform === null) return false;
    if (reviewers.includes(actor.id)) return true;
    const members = this.rules.get(actor.platform)?.members;
    if (!members) return false;
    for (const reviewer of reviewers) {
      try {
        if ((await members(reviewer))?.includes(actor.id)) return true;
      } catch {
        // A group that cannot be read admits nobody (fail closed).
      }
    }
    return false;
  }

  /** The actor's e-mail address where their door (Actor.email) or platform (the rule's emailOf) gives it, else null. */
  async emailOf(actor: Actor): Promise<string | null> {
    const rule = actor.platform === null ? undefined : this.rules.get(actor.platform)?.emailOf;
    const id = actor.id;
    const lookup = actor.email ?? (rule && id !== null ? () => rule(id) : undefined);
    if (!lookup) return null;
    try {
      return await lookup();
    } catch {
      return null;
    }
  }

  async mayChange(actor: Actor, channel: string): Promise<true | string> {
    if (actor.via !== 'chat') return true;
    if (actor.platform === null || !channel.startsWith(`${actor.platform}:`))
      return 'a chat command changes only the channel it is typed in';
    const rule = this.rules.get(actor.platform);
    if (!rule || rule.users.kind === 'anyone') return true;
    const user = actor.id ?? '';
    if (rule.users.kind === 'admins' && rule.isAdmin) {
      try {
        return (await rule.isAdmin(user))
          ? true
          : `only workspace admins may change what this channel hears (${rule.variable}=admins)`;
      } catch (e) {
        return `could not check whether you are a workspace admin (${(e as Error).message})`;
      }
    }
    return rule.users.kind === 'ids' && rule.users.ids.has(user)
      ? true
      : `only the users listed in ${rule.variable} may change what this channel hears`;
  }
}
