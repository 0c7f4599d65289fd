import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import type { PortalSection } from '../../platform/manifest.ts';
import { formatDate } from '../../platform/views/index.ts';
import { escapeHtml } from '../../platform/views/escape.ts';
import { CONSENT_PURPOSES } from './lists.ts';

/**
 * The register's sections of the customer's own page (/my): their details as
 * the register holds them, with a way to ask for a change and to stop a
 * consent at once, and the download of everything held about them. Both are
 * for the account's person (users.person_id), never whoever has its email.
 */

interface DetailsRow {
  firstName: string;
  lastName: string;
  preferredName: string | null;
  email: string | null;
  phone: string | null;
  address: string;
  preferredChannels: string[];
  needs: string[];
  needsNote: string | null;
  consents: string[];
  supporter: string | null;
  supporterRelationship: string | null;
  contactViaSupporter: boolean;
  open: Array<{ section: string; requestedAt: string }>;
}

/** The person's details, needs, consents, supporter and open change requests: one query. */
export const detailsSection: PortalSection = async (tx, { personId }, text, language) => {
  if (!personId) return null;
  const [row] = rowsOf<DetailsRow>(
    await tx.execute(sql`
      select p.first_name as "firstName", p.last_name as "lastName",
        p.preferred_name as "preferredName", p.email, p.phone,
        concat_ws(', ', nullif(p.address_line_1, ''), nullif(p.address_line_2, ''),
          nullif(p.town, ''), nullif(p.postcode, '')) as address,
        p.preferred_channels as "preferredChannels", p.needs, p.needs_note as "needsNote",
        p.consents, s.first_name || ' ' || s.last_name as supporter,
        p.supporter_relationship as "supporterRelationship",
        p.contact_via_supporter as "contactViaSupporter",
        coalesce((select json_agg(json_build_object('section', r.section,
            'requestedAt', r.requested_at) order by r.requested_at)
          from person_change_requests r where r.person_id = p.id and r.status = 'open'),
          '[]'::json) as open
      from people p left join people s on s.id = p.supporter_id
      where p.id = ${personId} and p.erased_at is null`),
  );
  if (!row) return null;
  const e = escapeHtml;
  const notGiven = text('register.my.details.notGiven');
  const name = `${row.firstName} ${row.lastName}`.trim();
  const supporter = row.supporter
    ? [
        row.supporter,
        row.supporterRelationship
          ? `(${text(`register.relationships.${row.supporterRelationship}`)})`
          : '',
        row.contactViaSupporter ? text('register.my.details.viaSupporter') : '',
      ]
        .filter(Boolean)
        .join(' ')
    : text('register.my.details.noSupporter');
  const summary = (
    [
      ['name', row.preferredName ? `${name} (${row.preferredName})` : name],
      ['email', row.email || notGiven],
      ['phone', row.phone || notGiven],
      ['address', row.address || notGiven],
      [
        'channels',
        row.preferredChannels.map((c) => text(`register.channels.${c}`)).join(', ') || notGiven,
      ],
      ['supporter', supporter],
    ] as const
  )
    .map(
      ([key, value]) =>
        `<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${e(
          text(`register.my.details.${key}`),
        )}</dt><dd class="govuk-summary-list__value">${e(value)}</dd></div>`,
    )
    .join('');
  const needs =
    row.needs.length || row.needsNote
      ? (row.needs.length
          ? `<ul class="govuk-list govuk-list--bullet">${row.needs
              .map((n) => `<li>${e(text(`register.needLabels.${n}`))}</li>`)
              .join('')}</ul>`
          : '') + (row.needsNote ? `<p class="govuk-body">${e(row.needsNote)}</p>` : '')
      : `<p class="govuk-body">${e(text('register.my.details.needsNone'))}</p>`;
  const given = CONSENT_PURPOSES.filter((p) => row.consents.includes(p));
  const consents = given.length
    ? `<p class="govuk-body">${e(text('register.my.consents.lead'))}</p>
      <dl class="govuk-summary-list">${given
        .map(
          (p) =>
            `<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${e(
              text(`register.consent.purposes.${p}.label`),
            )}</dt><dd class="govuk-summary-list__value">${e(
              text(`register.consent.purposes.${p}.wording`),
            )}</dd><dd class="govuk-summary-list__actions"><a class="govuk-link" href="/my/consents/${p}/stop">${e(
              text('register.my.consents.stop'),
            )}<span class="govuk-visually-hidden"> ${e(
              text(`register.consent.purposes.${p}.label`),
            )}</span></a></dd></div>`,
        )
        .join('')}</dl>`
    : `<p class="govuk-body">${e(text('register.my.consents.none'))}</p>`;
  const requests = row.open
    .map(
      (r) =>
        `<div class="govuk-inset-text">${e(
          text('register.my.change.waiting', {
            date: formatDate(r.requestedAt, language, false),
            section: text(`register.my.change.sections.${r.section}`),
          }),
        )}</div>`,
    )
    .join('');
  return {
    title: text('register.my.details.title'),
    easyRead: { picture: 'person', text: text('register.my.details.easy') },
    html:
      requests +
      `<dl class="govuk-summary-list">${summary}</dl>` +
      `<h3 class="govuk-heading-s">${e(text('register.my.details.needs'))}</h3>${needs}` +
      `<h3 class="govuk-heading-s">${e(text('register.my.consents.title'))}</h3>${consents}`,
    actions: [{ text: text('register.my.change.link'), href: '/my/details/change' }],
  };
};

/** The download of everything held about them: no query (the download reads it). */
export const dataSection: PortalSection = async (_tx, { personId }, text) => {
  if (!personId) return null;
  return {
    title: text('register.my.data.title'),
    easyRead: { picture: 'download', text: text('register.my.data.easy') },
    html: `<p class="govuk-body">${escapeHtml(text('register.my.data.lead'))}</p>`,
    rows: [
      { text: text('register.my.data.spreadsheet'), href: '/my/data.xlsx' },
      { text: text('register.my.data.link'), href: '/my/data.json' },
    ],
  };
};
