import { WHEN_BUSY_CHOICES, WHEN_BUSY_MEMBERS } from '../../src/contract/hook';
import { WhenBusy } from '../../src/trigger';

test("WHEN_BUSY_MEMBERS names each choice's WhenBusy member, and every member is named", () => {
  for (const choice of WHEN_BUSY_CHOICES) {
    expect(WhenBusy[WHEN_BUSY_MEMBERS[choice] as keyof typeof WhenBusy]).toBe(choice);
  }
  expect(Object.keys(WhenBusy).sort()).toEqual(Object.values(WHEN_BUSY_MEMBERS).sort());
});
