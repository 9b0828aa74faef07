import { ALL_PERMISSIONS, isPermission, sortPermissions } from './permissions';

describe('sortPermissions', () => {
  it('keeps catalog permissions once each, in catalog order', () => {
    expect(sortPermissions(['flags.write', 'org.read', 'flags.write'])).toEqual({
      permissions: ['org.read', 'flags.write'],
      unknown: [],
    });
  });

  it('names every permission outside the catalog, once', () => {
    expect(sortPermissions(['org.read', 'org.fly', 'constructor', 'org.fly'])).toEqual({
      permissions: ['org.read'],
      unknown: ['org.fly', 'constructor'],
    });
  });
});

describe('isPermission', () => {
  it('accepts the thirty catalog keys and nothing inherited from Object', () => {
    expect(ALL_PERMISSIONS).toHaveLength(30);
    expect(ALL_PERMISSIONS.every(isPermission)).toBe(true);
    expect(['toString', '__proto__', 'hasOwnProperty', ''].some(isPermission)).toBe(false);
  });
});
