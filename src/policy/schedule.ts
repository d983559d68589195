import type { WeekdayCode, WireScheduledPolicy } from '../contract/wire';
import { IConstruct } from 'constructs';
import { fw } from '../core/framework';
import { checkIntegerRange, isLiteral, BackupValidationError } from '../core/validation';

/** A day of the week, valued with its VBS wire code (`week_frequency`). */
export enum Weekday {
  MON = 'MON',
  TUE = 'TUE',
  WED = 'WED',
  THU = 'THU',
  FRI = 'FRI',
  SAT = 'SAT',
  SUN = 'SUN',
}

/** The wire order of week days, so the same set always renders the same way. */
const WEEKDAY_ORDER: readonly WeekdayCode[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Options common to every schedule. */
export interface ScheduleOptions {
  /**
   * The policy's time zone, `UTC+HH:MM` or `UTC-HH:MM` (daylight saving included), e.g.
   * `UTC+08:00`. VBS uses it to place week days and to order the start times; the start
   * times themselves stay in UTC, as the API takes them.
   *
   * @default - none: VBS works in UTC
   */
  readonly timeZone?: string;
}

/** The schedule part of the spec, before validation. */
interface ScheduleShape {
  readonly startTimes: string[];
  readonly frequency?: number;
  readonly weekdays?: Weekday[];
  readonly timeZone?: string;
}

const START_TIME_PATTERN = /^([01]\d|2[0-3]):00$/;
const TIME_ZONE_PATTERN = /^UTC[+-](0\d|1[0-4]):([0-5]\d)$/;

/**
 * When a backup policy runs: every day, every N days, or on given week days, at one or more
 * whole hours (UTC, `HH:00`, at most 24 a day).
 */
export class Schedule {
  /** Every day at the given UTC start times, e.g. `Schedule.daily(['02:00'])`. */
  public static daily(startTimes: string[], options: ScheduleOptions = {}): Schedule {
    return new Schedule({ startTimes, frequency: 1, timeZone: options.timeZone });
  }

  /** Every `days` days (1-14) at the given UTC start times. */
  public static everyNDays(days: number, startTimes: string[], options: ScheduleOptions = {}): Schedule {
    return new Schedule({ startTimes, frequency: days, timeZone: options.timeZone });
  }

  /** On the given week days at the given UTC start times. */
  public static weekly(days: Weekday[], startTimes: string[], options: ScheduleOptions = {}): Schedule {
    return new Schedule({ startTimes, weekdays: days, timeZone: options.timeZone });
  }

  /** The start times as given (`HH:00`, UTC). */
  public readonly startTimes: string[];
  /** Interval in days, for `daily` and `everyNDays`. */
  public readonly frequency?: number;
  /** Week days, for `weekly`. */
  public readonly weekdays?: Weekday[];
  /** The time zone, if given. */
  public readonly timeZone?: string;

  private constructor(shape: ScheduleShape) {
    this.startTimes = shape.startTimes;
    this.frequency = shape.frequency;
    this.weekdays = shape.weekdays;
    this.timeZone = shape.timeZone;
  }

  /**
   * Validates against the VBS rules, naming `scope`'s path, and renders the wire fields.
   * Start times are put in ascending local order, which VBS requires when a time zone is set.
   * @internal
   */
  public _render(scope: IConstruct): { scheduled: WireScheduledPolicy; timeZone?: string } {
    const timeZone = this.timeZone;
    if (timeZone !== undefined && isLiteral(scope, timeZone) && !TIME_ZONE_PATTERN.test(timeZone)) {
      throw new BackupValidationError(
        scope,
        'schedule timeZone',
        timeZone,
        'is not a VBS time zone',
        '"UTC+HH:MM" or "UTC-HH:MM" with HH 00-14 and MM 00-59, e.g. "UTC+08:00"',
      );
    }
    const scheduled: WireScheduledPolicy = { start_time: this.renderStartTimes(scope) };
    if (this.weekdays !== undefined) {
      scheduled.week_frequency = this.renderWeekdays(scope);
    } else {
      checkIntegerRange(scope, 'schedule frequency (days)', this.frequency as number, 1, 14);
      scheduled.frequency = this.frequency;
    }
    return { scheduled, timeZone };
  }

  private renderStartTimes(scope: IConstruct): string {
    const times = this.startTimes;
    if (!isLiteral(scope, times)) {
      return fw(scope).Fn.join(',', times);
    }
    if (times.length < 1 || times.length > 24) {
      throw new BackupValidationError(
        scope,
        'schedule startTimes',
        times,
        `has ${times.length} entries`,
        '1 to 24 start times a day (VBS runs a policy at most 24 times a day)',
      );
    }
    for (const time of times) {
      if (isLiteral(scope, time) && !START_TIME_PATTERN.test(time)) {
        throw new BackupValidationError(
          scope,
          'schedule start time',
          time,
          'is not a whole hour',
          '"HH:00" with HH from 00 to 23 (UTC), e.g. "02:00"',
        );
      }
    }
    const duplicate = times.find((time, index) => isLiteral(scope, time) && times.indexOf(time) !== index);
    if (duplicate !== undefined) {
      throw new BackupValidationError(
        scope,
        'schedule startTimes',
        times,
        `lists ${JSON.stringify(duplicate)} more than once`,
        'distinct start times',
      );
    }
    if (!times.every((time) => isLiteral(scope, time))) {
      return times.join(',');
    }
    const offset = this.timeZone !== undefined && isLiteral(scope, this.timeZone) ? offsetMinutes(this.timeZone) : 0;
    const local = (time: string) => (Number(time.slice(0, 2)) * 60 + offset + 24 * 60) % (24 * 60);
    return [...times].sort((a, b) => local(a) - local(b)).join(',');
  }

  private renderWeekdays(scope: IConstruct): WeekdayCode[] {
    const days = this.weekdays as Weekday[];
    if (!isLiteral(scope, days)) {
      return days as unknown as WeekdayCode[];
    }
    if (days.length === 0) {
      throw new BackupValidationError(scope, 'schedule weekdays', days, 'is empty', 'at least one Weekday, e.g. [Weekday.MON]');
    }
    for (const day of days) {
      if (!WEEKDAY_ORDER.includes(day as string as WeekdayCode)) {
        throw new BackupValidationError(
          scope,
          'schedule weekday',
          day,
          'is not a week day',
          `one of ${WEEKDAY_ORDER.join(', ')} (use the Weekday enum)`,
        );
      }
    }
    const duplicate = days.find((day, index) => days.indexOf(day) !== index);
    if (duplicate !== undefined) {
      throw new BackupValidationError(
        scope,
        'schedule weekdays',
        days,
        `lists ${JSON.stringify(duplicate)} more than once`,
        'distinct week days',
      );
    }
    return WEEKDAY_ORDER.filter((code) => days.includes(code as Weekday));
  }
}

/** `UTC+05:30` -> 330, `UTC-03:00` -> -180. */
function offsetMinutes(timeZone: string): number {
  const sign = timeZone[3] === '-' ? -1 : 1;
  return sign * (Number(timeZone.slice(4, 6)) * 60 + Number(timeZone.slice(7, 9)));
}
