import { describe, expect, it } from 'vitest';
import { readOidcConfig } from './oidc-config';

const base = { SWITCHBOARD_OIDC_ISSUER: 'https://idp.example.com/', SWITCHBOARD_OIDC_CLIENT_ID: 'switchboard', SWITCHBOARD_OIDC_CLIENT_SECRET: 's3cret' };

describe('readOidcConfig', () => {
  it('no issuer: single sign-on is off', () => {
    expect(readOidcConfig({})).toEqual({ state: 'off' });
    expect(readOidcConfig({ SWITCHBOARD_OIDC_ISSUER: '', SWITCHBOARD_OIDC_CLIENT_ID: 'x' })).toEqual({ state: 'off' });
  });

  it('the defaults: "SSO", preferred_username, no groups claim, JIT off; the issuer kept exactly', () => {
    expect(readOidcConfig(base)).toEqual({
      state: 'on',
      settings: {
        issuer: 'https://idp.example.com/',
        clientId: 'switchboard',
        clientSecret: 's3cret',
        name: 'SSO',
        loginClaim: 'preferred_username',
        groupsClaim: null,
        jit: false,
      },
    });
  });

  it.each([
    [{ SWITCHBOARD_OIDC_JIT: 'on' }, { jit: true }],
    [{ SWITCHBOARD_OIDC_JIT: '1' }, { jit: true }],
    [{ SWITCHBOARD_OIDC_JIT: 'false' }, { jit: false }],
    [
      { SWITCHBOARD_OIDC_GROUPS_CLAIM: 'groups', SWITCHBOARD_OIDC_LOGIN_CLAIM: 'email', SWITCHBOARD_OIDC_NAME: 'Okta' },
      { groupsClaim: 'groups', loginClaim: 'email', name: 'Okta' },
    ],
  ])('%o sets %o', (extra, expected) => {
    const config = readOidcConfig({ ...base, ...extra });
    expect(config.state).toBe('on');
    if (config.state === 'on') expect(config.settings).toMatchObject(expected);
  });

  it.each([
    [{ SWITCHBOARD_OIDC_CLIENT_ID: undefined }, 'SWITCHBOARD_OIDC_CLIENT_ID'],
    [{ SWITCHBOARD_OIDC_CLIENT_SECRET: undefined }, 'SWITCHBOARD_OIDC_CLIENT_SECRET'],
    [{ SWITCHBOARD_OIDC_ISSUER: 'not a url' }, 'SWITCHBOARD_OIDC_ISSUER'],
    [{ SWITCHBOARD_OIDC_ISSUER: 'ftp://idp.example.com' }, 'SWITCHBOARD_OIDC_ISSUER'],
    [{ SWITCHBOARD_OIDC_JIT: 'maybe' }, 'SWITCHBOARD_OIDC_JIT'],
    [{ SWITCHBOARD_OIDC_GROUPS_CLAIM: 'two words' }, 'SWITCHBOARD_OIDC_GROUPS_CLAIM'],
  ])('a bad setting %o is invalid, naming %s (never a thrown error)', (extra, variable) => {
    const config = readOidcConfig({ ...base, ...extra });
    expect(config.state).toBe('invalid');
    if (config.state === 'invalid') expect(config.problems.join('\n')).toContain(variable);
  });
});
