import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Queryable, Write } from '../db/index.ts';
import { translator, type Language, type TranslationOverrides } from '../i18n/index.ts';
import { overridesIn } from '../i18n/overrides.ts';
import { enqueueWith, jobWrite, type JobHandler } from '../jobs/index.ts';
import { installedModules } from '../manifest.ts';
import { outbox } from './tables.ts';
import { sql } from 'drizzle-orm';

export { outbox } from './tables.ts';

/** A message a module sends, declared in its manifest's `mail`. */
export interface TemplateSpec {
  /** i18n keys under mail.<template>: the first paragraph comes before the button. */
  paragraphs: readonly string[];
  action: string;
  /**
   * The easy-read version, for people whose record asks for easy read: keys
   * under mail.<template>.easy (its own subject too), short sentences, one
   * idea a paragraph, and the button after them all, where it says what to do.
   */
  easy?: { paragraphs: readonly string[]; action: string };
}

/** The template of that name from the installed modules' manifests. */
function templateNamed(name: string): TemplateSpec | undefined {
  for (const m of installedModules()) {
    const spec = m.mail?.[name];
    if (spec) return spec;
  }
  return undefined;
}

export type MailTemplate = string;

/** A file sent with a message: the outbox keeps it, base64-encoded. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string | Buffer;
}

export interface MailMessage {
  to: string;
  template: MailTemplate;
  language: Language;
  /**
   * Values put into the strings, such as the organisation's name; `name`, the
   * name the person likes to be called, makes the greeting "Hello Rosa,".
   */
  vars: Record<string, string>;
  /** The link the message's button points to. */
  link: string;
  /** Values that go into the paragraphs as they are (already in the reader's language). */
  extraParagraphs?: string[];
  /** The reader asked for easy read: the template's easy version, when it has one. */
  easyRead?: boolean;
  /**
   * The organisation's own translations for the message's language, when the
   * caller holds them (a request in that language, or translatorIn);
   * queueMail reads them itself when none are given, so every message has
   * the organisation's words.
   */
  translations?: TranslationOverrides | undefined;
  attachments?: MailAttachment[];
}

let transporter: Transporter | null = null;
let from = 'Coproduce <no-reply@localhost>';
let linkBase = 'http://localhost:3000';

/** Sends through SMTP when SMTP_URL is set; otherwise messages stay in the outbox. */
export function configureMail(options: {
  smtpUrl?: string | undefined;
  from?: string | undefined;
  /** The address links in mail start with when no request is there to say (BASE_URL). */
  baseUrl?: string | undefined;
}): void {
  transporter = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  if (options.from) from = options.from;
  if (options.baseUrl) linkBase = options.baseUrl.replace(/\/+$/, '');
}

/**
 * Where links in a message sent outside a request start (a job, or an event
 * raised by an import): the server's BASE_URL. A request's own address
 * (request.publicBaseUrl) is better when there is one.
 */
export function mailBaseUrl(): string {
  return linkBase;
}

export function usesSmtp(): boolean {
  return transporter !== null;
}

function render(message: MailMessage): { subject: string; text: string; html: string } {
  const tr = translator(message.language, message.translations);
  const spec = templateNamed(message.template);
  if (!spec) throw new Error(`No mail template "${message.template}"`);
  // Easy read in the reader's language; where only the standard words are in
  // it (Welsh with no easy-read Welsh yet), those, rather than easy English.
  const inLanguage = (name: string) => tr.has(`mail.${message.template}.${name}`);
  const easy =
    message.easyRead && spec.easy && (inLanguage('easy.subject') || !inLanguage('subject'))
      ? spec.easy
      : null;
  const parts = easy ?? spec;
  const key = (part: string) => `mail.${message.template}.${easy ? 'easy.' : ''}${part}`;
  const subject = tr.text(key('subject'), message.vars);
  // Strings with no trusted Welsh come in English: say so to mail readers too.
  const language = tr.has(key('subject')) ? message.language : 'en';
  const paragraphs = [
    ...parts.paragraphs.map((p) => tr.text(key(p), message.vars)),
    ...(message.extraParagraphs ?? []),
  ];
  const action = tr.text(key(parts.action), message.vars);
  // The button after the first paragraph; in easy read after them all, where they lead to it.
  const before = easy ? paragraphs.length : 1;
  const size = easy ? 24 : 19;
  // By the name the person likes to be called; "Hello," alone only when there is none.
  const greeting = message.vars.name?.trim()
    ? tr.text('mail.greetingNamed', { ...message.vars, name: message.vars.name.trim() })
    : tr.text('mail.greeting', message.vars);
  const text = [
    greeting,
    ...paragraphs.slice(0, before),
    `${action}: ${message.link}`,
    ...paragraphs.slice(before),
    tr.text('mail.signOff', message.vars),
  ].join('\n\n');
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head>`,
    `<body style="font-family: Arial, sans-serif; font-size: ${size}px; line-height: 1.5; color: #0b0c0c;">`,
    `<p>${esc(greeting)}</p>`,
    ...paragraphs.slice(0, before).map((p) => `<p>${esc(p)}</p>`),
    `<p><a href="${esc(message.link)}" style="font-size: ${size + 2}px; font-weight: bold;">${esc(action)}</a></p>`,
    ...paragraphs.slice(before).map((p) => `<p>${esc(p)}</p>`),
    `<p>${esc(tr.text('mail.signOff', message.vars))}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/**
 * Puts a message in the outbox and queues its delivery, in the caller's
 * transaction: nothing is sent while the transaction is open, and nothing is
 * sent if it rolls back.
 */
export async function queueMail(tx: Queryable, message: MailMessage): Promise<string> {
  const rendered = render(
    'translations' in message || message.language === 'en'
      ? message
      : { ...message, translations: await overridesIn(tx, message.language) },
  );
  const id = randomUUID();
  // The message and its delivery job in one statement: one round trip.
  await enqueueWith(
    tx,
    tx.insert(outbox).values({
      organisationId: sql`app_organisation_id()`,
      id,
      toAddress: message.to,
      template: message.template,
      language: message.language,
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
      attachments: (message.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content).toString('base64'),
      })),
    }),
    'mail.deliver',
    { outboxId: id },
  );
  return id;
}

/**
 * A message and its delivery job as writes to send with others in one
 * statement (inOneStatement): what queueMail writes, in the caller's
 * transaction all the same. Built before the statement, it cannot read the
 * organisation's translations: pass them in `translations` (the request's,
 * when the message is in the request's language).
 */
export function mailWrites(message: MailMessage): Write[] {
  const rendered = render(message);
  const id = randomUUID();
  const attachments = (message.attachments ?? []).map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    content: Buffer.from(a.content).toString('base64'),
  }));
  return [
    {
      name: 'mail_outbox',
      statement: sql`insert into outbox
        (organisation_id, id, to_address, template, language, subject, text_body, html_body, attachments)
        values (app_organisation_id(), ${id}, ${message.to}, ${message.template}, ${message.language},
          ${rendered.subject}, ${rendered.text}, ${rendered.html}, ${JSON.stringify(attachments)}::jsonb)`,
    },
    jobWrite('mail_job', 'mail.deliver', { outboxId: id }),
  ];
}

/** The job that sends one message from the outbox (the platform's manifest declares it). */
export const deliverMail: JobHandler = async ({ db }, payload) => {
  const id = String(payload.outboxId);
  const [message] = await db((tx) => tx.select().from(outbox).where(eq(outbox.id, id)));
  if (!message || message.sentAt) return;
  // Sent with no transaction open: a slow mail server holds up nothing else.
  if (transporter) {
    await transporter.sendMail({
      from,
      to: message.toAddress,
      subject: message.subject,
      text: message.textBody,
      html: message.htmlBody,
      attachments: message.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content, 'base64'),
      })),
    });
  }
  await db((tx) =>
    tx
      .update(outbox)
      .set({ sentAt: sql`now()`, transport: transporter ? 'smtp' : 'outbox' })
      .where(eq(outbox.id, id)),
  );
};

/** The newest messages in the outbox. */
export async function listOutbox(tx: Queryable, limit = 50) {
  return tx
    .select()
    .from(outbox)
    .orderBy(sql`${outbox.createdAt} desc`)
    .limit(limit);
}

/** One message from the outbox. */
export async function readOutboxMessage(tx: Queryable, id: string) {
  const [row] = await tx.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}

/**
 * Deletes every message to an address (erasure under UK GDPR): the outbox
 * holds names and links in its bodies. Their delivery jobs then find nothing
 * to send.
 */
export async function forgetRecipient(tx: Queryable, address: string): Promise<number> {
  const rows = await tx
    .delete(outbox)
    .where(sql`lower(${outbox.toAddress}) = ${address.toLowerCase()}`)
    .returning({ id: outbox.id });
  return rows.length;
}
