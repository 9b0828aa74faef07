import { LoginSettings } from '../config/login.settings';

/**
 * How long the account waits after its `failures`-th failure within the window: nothing for the
 * free failures, then 1 s, 2 s, 4 s … up to LOGIN_MAX_DELAY.
 */
export function delayMs(failures: number, settings: Pick<LoginSettings, 'freeFailures' | 'maxDelaySeconds'>): number {
  if (failures <= settings.freeFailures) return 0;
  return Math.min(1000 * 2 ** Math.min(failures - settings.freeFailures - 1, 30), settings.maxDelaySeconds * 1000);
}

export interface ThrottleKeys {
  accountFailures: string;
  delay: string;
  cleared: string;
  pairFailures: string;
  block: string;
  slot: string;
  /** Checks of the account running without a turn. */
  accountSlot: string;
  wait: string;
  turn: string;
}

export function throttleKeys(account: string, address: string): ThrottleKeys {
  // An email's domain cannot contain `|`: the address after the last one is unambiguous.
  const pair = `${account}|${address}`;
  return {
    accountFailures: `login-failures:${account}`,
    delay: `login-delay:${account}`,
    accountSlot: `login-account-in-flight:${account}`,
    cleared: `login-cleared:${account}`,
    pairFailures: `login-address-failures:${pair}`,
    block: `login-block:${pair}`,
    slot: `login-in-flight:${pair}`,
    wait: `login-wait:${pair}`,
    turn: `login-turn:${pair}`,
  };
}
