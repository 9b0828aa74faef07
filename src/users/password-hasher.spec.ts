import * as bcrypt from 'bcrypt';

import { PasswordHasher } from './password-hasher';

async function hasher(cost: number): Promise<PasswordHasher> {
  const instance = new PasswordHasher({ bcryptCost: cost });
  await instance.onModuleInit();
  return instance;
}

describe('PasswordHasher', () => {
  it('hashes at the configured cost and verifies the password', async () => {
    const passwords = await hasher(5);
    const hash = await passwords.hash('correct horse battery');
    expect(bcrypt.getRounds(hash)).toBe(5);
    await expect(passwords.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(passwords.verify('wrong horse battery', hash)).resolves.toBe(false);
  });

  it('never matches a password longer than 72 bytes, even when bcrypt would', async () => {
    const passwords = await hasher(4);
    const password = 'é'.repeat(36);
    const hash = await passwords.hash(password);
    expect(await bcrypt.compare(`${password}tail`, hash)).toBe(true);
    await expect(passwords.verify(`${password}tail`, hash)).resolves.toBe(false);
  });

  it('answers false when there is no stored hash (an unknown account)', async () => {
    const passwords = await hasher(4);
    await expect(passwords.verify('not-a-password-of-anyone', undefined)).resolves.toBe(false);
  });

  it('asks for a rehash only when the stored cost is below the configured one', async () => {
    const passwords = await hasher(6);
    expect(passwords.needsRehash(await bcrypt.hash('x', 5))).toBe(true);
    expect(passwords.needsRehash(await bcrypt.hash('x', 6))).toBe(false);
    expect(passwords.needsRehash(await bcrypt.hash('x', 7))).toBe(false);
  });
});
