import { linksOf, moveLinks, removeLinks, type LinkKind } from '../../platform/links/index.ts';
import type { PersonDataHandler } from '../../platform/manifest.ts';

/** The register's record kinds that named links may join. */
export const PERSON_KIND = 'people.person';
export const SERVICE_KIND = 'people.service';

export const peopleLinkKinds: LinkKind[] = [
  {
    kind: PERSON_KIND,
    table: 'people',
    labelKey: 'register.linkKinds.person',
    href: (id) => `/staff/people/${id}`,
  },
  {
    kind: SERVICE_KIND,
    table: 'services',
    labelKey: 'register.linkKinds.service',
    href: (id) => `/staff/services/${id}`,
  },
];

/**
 * A person's links follow them: into the kept record when two are merged,
 * into their subject access file, and away when they are erased (a link
 * says who a record was about, which is personal data once they have gone).
 */
export const personLinks: PersonDataHandler = {
  name: 'links',
  async export(tx, personId) {
    const links = (await linksOf(tx, PERSON_KIND, [personId])).get(personId) ?? [];
    return links.map((l) => ({
      name: l.name,
      direction: l.direction,
      other: l.other,
      at: l.createdAt,
    }));
  },
  merge: (tx, fromId, intoId) => moveLinks(tx, PERSON_KIND, fromId, intoId),
  erase: async (tx, person) => {
    await removeLinks(tx, PERSON_KIND, [person.id]);
  },
};
