import type { Translator } from '../../platform/i18n/index.ts';
import { periodLabel } from '../../platform/periods/index.ts';
import {
  bulletList,
  createPdf,
  heading,
  paragraph,
  table,
  type Pdf,
} from '../../platform/pdf/index.ts';
import { dayInWords } from './reminders.ts';
import type { QuarterReport } from './report.ts';

/** The heading both forms of the report carry. */
function titleOf(report: QuarterReport, tr: Translator, easyRead: boolean): string {
  return tr.text(easyRead ? 'groups.report.easyTitle' : 'groups.report.title', {
    group: report.group.title,
    period: periodLabel(report.period, tr),
  });
}

/**
 * The upward report as a tagged PDF (platform/pdf): the same contents as the
 * page to print, in the same order. The easy-read form has larger type and
 * short sentences, one point a line.
 */
export function reportPdf(
  report: QuarterReport,
  tr: Translator,
  organisation: string,
  easyRead: boolean,
): Pdf {
  const title = titleOf(report, tr, easyRead);
  const pdf = createPdf({ title, language: tr.language, author: organisation, easyRead });
  const day = (iso: string) => dayInWords(iso, tr.language);
  heading(pdf, title, 1);
  paragraph(pdf, organisation);
  if (report.terms)
    paragraph(
      pdf,
      tr.text(
        report.terms.reportsThrough ? 'groups.report.reportsToThrough' : 'groups.report.reportsTo',
        { to: report.terms.reportsTo, through: report.terms.reportsThrough },
      ),
    );
  return easyRead ? easyPdf(pdf, report, tr, day) : fullPdf(pdf, report, tr, day);
}

function fullPdf(
  pdf: Pdf,
  report: QuarterReport,
  tr: Translator,
  day: (iso: string) => string,
): Pdf {
  heading(pdf, tr.text('groups.report.meetingsHeading'), 2);
  if (report.meetings.length === 0) paragraph(pdf, tr.text('groups.report.noMeetings'));
  else
    table(pdf, {
      caption: tr.text('groups.report.meetingsCaption'),
      head: [
        tr.text('groups.report.meeting'),
        tr.text('groups.report.members'),
        tr.text('groups.report.attended'),
        tr.text('groups.report.apologies'),
        tr.text('groups.report.absent'),
      ],
      rows: report.meetings.map((m) => [
        `${day(m.day)} (${tr.text(`groups.report.states.${m.status}`)})`,
        String(m.members),
        String(m.attended),
        String(m.apologies),
        String(m.absent),
      ]),
    });
  heading(pdf, tr.text('groups.report.decisionsHeading'), 2);
  if (report.decisions.length === 0) paragraph(pdf, tr.text('groups.report.noDecisions'));
  for (const d of report.decisions) {
    heading(pdf, d.what, 3);
    paragraph(pdf, `${tr.text('groups.report.decidedOn', { date: day(d.decidedOn) })} ${d.why}`);
  }
  heading(pdf, tr.text('groups.report.openHeading'), 2);
  if (report.openActions.length === 0) paragraph(pdf, tr.text('groups.report.noOpen'));
  else
    table(pdf, {
      caption: tr.text('groups.report.openCaption'),
      head: [
        tr.text('groups.report.action'),
        tr.text('groups.report.owner'),
        tr.text('groups.report.due'),
        tr.text('groups.report.status'),
        tr.text('groups.report.lastUpdate'),
      ],
      rows: report.openActions.map((a) => [
        a.what,
        a.owner,
        a.dueOn
          ? day(a.dueOn) + (a.overdue ? ` (${tr.text('groups.actions.overdue')})` : '')
          : tr.text('groups.report.noDue'),
        tr.text(`groups.actions.statuses.${a.status}`),
        a.lastUpdate
          ? `${day(a.lastUpdate.on)}: ${a.lastUpdate.note}`
          : tr.text('groups.report.noUpdate'),
      ]),
    });
  if (report.doneActions.length) {
    heading(pdf, tr.text('groups.report.doneHeading'), 2);
    bulletList(
      pdf,
      report.doneActions.map((a) =>
        tr.text('groups.report.doneItem', { what: a.what, owner: a.owner, date: day(a.doneOn!) }),
      ),
    );
  }
  heading(pdf, tr.text('groups.report.membersHeading'), 2);
  if (report.members.length === 0) paragraph(pdf, tr.text('groups.report.noMembers'));
  else
    table(pdf, {
      caption: tr.text('groups.report.membersCaption'),
      head: [
        tr.text('groups.report.member'),
        tr.text('groups.report.meetingsCount'),
        tr.text('groups.report.attended'),
        tr.text('groups.report.apologies'),
        tr.text('groups.report.absent'),
      ],
      rows: report.members.map((m) => [
        `${m.name} (${m.seatLabel})` +
          (m.missedLastTwo ? ` – ${tr.text('groups.members.missedTwo')}` : ''),
        String(m.meetings),
        String(m.attended),
        String(m.apologies),
        String(m.absent),
      ]),
    });
  return pdf;
}

function easyPdf(
  pdf: Pdf,
  report: QuarterReport,
  tr: Translator,
  day: (iso: string) => string,
): Pdf {
  const held = report.meetings.filter((m) => m.status === 'held');
  heading(pdf, tr.text('groups.report.easy.meetingsHeading'), 2);
  paragraph(pdf, tr.text('groups.report.easy.meetings', { count: held.length }));
  for (const m of held)
    paragraph(pdf, tr.text('groups.report.easy.came', { count: m.attended, date: day(m.day) }));
  heading(pdf, tr.text('groups.report.easy.decisionsHeading'), 2);
  if (report.decisions.length === 0) paragraph(pdf, tr.text('groups.report.easy.noDecisions'));
  bulletList(
    pdf,
    report.decisions.map((d) => d.easyRead ?? d.what),
  );
  heading(pdf, tr.text('groups.report.easy.openHeading'), 2);
  if (report.openActions.length === 0) paragraph(pdf, tr.text('groups.report.easy.noOpen'));
  bulletList(
    pdf,
    report.openActions.map((a) =>
      tr.text('groups.report.easy.open', { what: a.what, owner: a.owner }),
    ),
  );
  if (report.doneActions.length) {
    heading(pdf, tr.text('groups.report.easy.doneHeading'), 2);
    bulletList(
      pdf,
      report.doneActions.map((a) => a.what),
    );
  }
  return pdf;
}
