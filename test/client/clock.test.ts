import { ServerClock } from '../../src/client/clock';

describe('ServerClock', () => {
  test('without an observed Date, the server may be up to the allowance behind', () => {
    expect(new ServerClock().earliestServerTime(10_000, 5000)).toBe(5000);
  });

  test('a Date header narrows the bound to the whole second it names', () => {
    const clock = new ServerClock();
    // the server said 00:00:10 (any time within that second) when the local clock read 10.7 s
    clock.observe(new Date(10_000).toUTCString(), 10_700);
    expect(clock.earliestServerTime(20_000, 5000)).toBe(19_300);
  });

  test('the tightest of several observations wins; an allowance of 0 is never widened', () => {
    const clock = new ServerClock();
    clock.observe(new Date(10_000).toUTCString(), 10_900);
    clock.observe(new Date(12_000).toUTCString(), 12_100);
    expect(clock.earliestServerTime(20_000, 5000)).toBe(19_900);
    expect(clock.earliestServerTime(20_000, 0)).toBe(20_000);
  });

  test('missing or unparsable Date headers are ignored', () => {
    const clock = new ServerClock();
    clock.observe(undefined, 1);
    clock.observe('yesterday-ish', 1);
    expect(clock.earliestServerTime(20_000, 5000)).toBe(15_000);
  });

  test('a repeated Date is parsed once, yet one received earlier (a clock step back) still counts', () => {
    const clock = new ServerClock();
    const d = new Date(10_000).toUTCString();
    clock.observe(d, 10_900);
    clock.observe(d, 10_950); // later arrival of the same second: looser, ignored
    expect(clock.earliestServerTime(20_000, 5000)).toBe(19_100);
    clock.observe(d, 10_200); // the local clock stepped back: tighter, must be taken
    expect(clock.earliestServerTime(20_000, 5000)).toBe(19_800);
  });
});
