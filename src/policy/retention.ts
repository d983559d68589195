import type { WireScheduledPolicy } from '../contract/wire';
import { IConstruct } from 'constructs';
import { checkIntegerRange } from '../core/validation';

/**
 * How long a policy keeps the backups it makes: a number of backups, or a number of days.
 */
export class Retention {
  /** Keep the newest `backups` backups (2-99). */
  public static count(backups: number): Retention {
    return new Retention('count', backups);
  }

  /** Keep backups for `days` days (2-99999). */
  public static days(days: number): Retention {
    return new Retention('days', days);
  }

  /**
   * @param kind `count`: number of backups kept; `days`: days a backup is kept
   * @param value the number
   */
  private constructor(
    private readonly kind: 'count' | 'days',
    private readonly value: number,
  ) {}

  /**
   * Validates against the VBS ranges, naming `scope`'s path, and renders the wire field
   * (`rentention_num` or `rentention_day`, misspelled as on the wire).
   * @internal
   */
  public _render(scope: IConstruct): WireScheduledPolicy {
    if (this.kind === 'count') {
      checkIntegerRange(scope, 'retention count', this.value, 2, 99);
      return { rentention_num: this.value };
    }
    checkIntegerRange(scope, 'retention days', this.value, 2, 99999);
    return { rentention_day: this.value };
  }
}

/** What happens to the cloud policy when its construct is destroyed. */
export enum RemovalPolicy {
  /** Delete the backup policy (backups it made are kept by VBS). */
  DESTROY = 'destroy',
  /** Leave the backup policy in the cloud, unmanaged. */
  RETAIN = 'retain',
}
