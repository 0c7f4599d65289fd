import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { installModules } from '../manifest.ts';
import { MODULES } from '../../modules.ts';
import { ROLES, can, type Action, type CurrentUser, type Role } from './index.ts';

const user = (
  roles: Role[],
  permissions: string[] = [],
  extra: Partial<CurrentUser> = {},
): CurrentUser => ({
  id: 'u1',
  organisationId: 'org-a',
  name: 'Test',
  roles,
  permissions,
  ...extra,
});

describe('can()', () => {
  installModules(MODULES);

  it('gives each role what the organisation layer allows', () => {
    const expected: Record<Action, Role[]> = {
      'staff-area:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'services:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'organisation:manage': ['admin'],
      'translations:manage': ['admin'],
      'api-tokens:manage': ['admin'],
      'users:manage': ['admin'],
      'outbox:read': ['admin'],
      'audit:read': ['admin'],
      'equality:read': [],
      'account:use': [...ROLES],
      'customers:assist': ['admin', 'involvement_lead', 'staff'],
      'people:view': ['admin', 'involvement_lead', 'staff'],
      'people:edit': ['admin', 'involvement_lead', 'staff'],
      'people:merge': ['admin', 'involvement_lead'],
      'people:import': ['admin', 'involvement_lead'],
      'imports:view': ['admin', 'involvement_lead'],
      'people:export': ['admin', 'involvement_lead'],
      'people:erase': ['admin', 'involvement_lead'],
      'rights:manage': ['admin', 'involvement_lead'],
      'register:configure': ['admin', 'involvement_lead'],
      'equality:stats': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'initiatives:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'initiatives:manage': ['admin', 'involvement_lead', 'staff'],
      'participation:manage': ['admin', 'involvement_lead', 'staff'],
      'rewards:manage': ['admin', 'involvement_lead'],
      'feedback:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'feedback:log': ['admin', 'involvement_lead', 'staff'],
      'feedback:act': ['admin', 'involvement_lead', 'staff'],
      'feedback:publish': ['admin', 'involvement_lead'],
      'feedback:themes': ['admin', 'involvement_lead'],
      'groups:manage': ['admin', 'involvement_lead', 'staff'],
      'groups:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'surveys:manage': ['admin', 'involvement_lead', 'staff'],
      'surveys:analyse': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'surveys:coauthor': ['customer'],
      'operations:view': ['admin', 'involvement_lead', 'staff'],
      'operations:enter': ['admin', 'involvement_lead'],
      'operations:import': ['admin', 'involvement_lead'],
      'operations:configure': ['admin', 'involvement_lead'],
      'tsm:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'tsm:import': ['admin', 'involvement_lead'],
      'tsm:edit': ['admin', 'involvement_lead'],
      'kpis:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
      'kpis:records': ['admin', 'involvement_lead', 'staff'],
      'kpis:export': ['admin', 'involvement_lead', 'staff', 'board_member'],
    };
    for (const [action, allowed] of Object.entries(expected) as Array<[Action, Role[]]>) {
      for (const role of ROLES) {
        assert.equal(can(user([role]), action), allowed.includes(role), `${role} ${action}`);
      }
    }
    assert.equal(can(null, 'account:use'), false);
  });

  it('shows equality answers only to staff who hold the permission', () => {
    assert.equal(can(user(['admin']), 'equality:read'), false);
    assert.equal(can(user(['staff'], ['equality:read']), 'equality:read'), true);
    assert.equal(can(user(['customer'], ['equality:read']), 'equality:read'), false);
  });

  it('denies a subject of another organisation, whatever the role', () => {
    assert.equal(can(user(['admin']), 'services:view', { organisationId: 'org-b' }), false);
    assert.equal(can(user(['admin']), 'services:view', { organisationId: 'org-a' }), true);
  });

  it('lets the first deny win: a module or initiative rule overrides the role', () => {
    installModules([
      ...MODULES,
      {
        name: 'test-rules',
        permissions: {
          actions: [],
          rules: [
            {
              layer: 'initiative',
              rule: (_user, action, subject) =>
                action === 'services:view' && subject?.initiativeId === 'closed'
                  ? 'deny'
                  : undefined,
            },
            {
              layer: 'module',
              rule: (u, action) =>
                action === 'outbox:read' && u.permissions.includes('outbox:read')
                  ? 'allow'
                  : undefined,
            },
          ],
        },
      },
    ]);
    assert.equal(can(user(['admin']), 'services:view', { initiativeId: 'closed' }), false);
    assert.equal(can(user(['admin']), 'services:view', { initiativeId: 'open' }), true);
    assert.equal(
      can(user(['staff'], ['outbox:read']), 'outbox:read'),
      true,
      'a module may allow more',
    );
    assert.equal(
      can(user(['staff'], [], { assistedBy: { id: 's', name: 'S' } }), 'customers:assist'),
      false,
    );
  });
});
