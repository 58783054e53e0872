import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '../domain-error.ts';
import { type ActionContext, type TeamMember, teamAuditActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { MESSAGING_LIMITS } from './limits.ts';
import { asId, notFound, type Trace } from './perform.ts';
import { pharmacyMailbox } from './store.ts';
import { actsFor } from './team-access.ts';
import { checkFiness, checkTemplate } from './validate.ts';

/** Reply templates: each pharmacy's own, edited by its team, used by `team.reply({ templateId })`. */
export interface ReplyTemplate {
  id: string;
  finess: string;
  title: string;
  body: string;
  updatedBy: string;
  updatedAt: string;
}

export interface TemplateInput {
  title: string;
  body: string;
}

export interface ReplyTemplates {
  list(member: TeamMember, finess: string, context?: ActionContext): Promise<ReplyTemplate[]>;
  create(
    member: TeamMember,
    finess: string,
    input: TemplateInput,
    context?: ActionContext,
  ): Promise<ReplyTemplate>;
  update(
    member: TeamMember,
    templateId: string,
    input: TemplateInput,
    context?: ActionContext,
  ): Promise<ReplyTemplate>;
  remove(member: TeamMember, templateId: string, context?: ActionContext): Promise<void>;
}

const who = (member: TeamMember) =>
  member.kind === 'professional' ? member.rpps : `api:${member.credentialId}`;

export function createReplyTemplates(ctx: MessagingContext): ReplyTemplates {
  const { store, clock, perform } = ctx;
  const db = store.db;
  const trace = (member: TeamMember, action: string, context?: ActionContext): Trace => ({
    actor: teamAuditActor(member),
    action,
    target: null,
    onBehalfOf: null,
    requestId: context?.requestId ?? null,
    reason: null,
  });
  const view = (row: {
    id: string;
    pharmacy_finess: string;
    title: string;
    body: string;
    updated_by: string;
    updated_at: string;
  }): ReplyTemplate => ({
    id: row.id,
    finess: row.pharmacy_finess,
    title: row.title,
    body: row.body,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  });

  /** The pharmacy this member acts for, else NOT_FOUND; fills the trace. */
  const pharmacy = async (member: TeamMember, finess: string, t: Trace) => {
    const site = checkFiness(finess);
    t.target = site;
    if (!(await actsFor(db, member, site))) throw notFound('OTHER_TENANT', 'Pharmacie introuvable.');
    t.onBehalfOf = (await pharmacyMailbox(db, site))?.mailboxId ?? null;
    return site;
  };

  /** A template of this member's pharmacy, else NOT_FOUND. */
  const template = async (member: TeamMember, templateId: string, t: Trace) => {
    const id = asId(templateId);
    if (id === null) throw notFound('UNKNOWN_ID', 'Modèle de réponse introuvable.');
    t.target = id;
    const row = await db.selectFrom('reply_templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('UNKNOWN_ID', 'Modèle de réponse introuvable.');
    if (!(await actsFor(db, member, row.pharmacy_finess)))
      throw notFound('OTHER_TENANT', 'Modèle de réponse introuvable.');
    t.onBehalfOf = (await pharmacyMailbox(db, row.pharmacy_finess))?.mailboxId ?? null;
    return row;
  };

  return {
    list(member, finess, context) {
      return perform(trace(member, 'messaging.template.list', context), async (_, t) => {
        const site = await pharmacy(member, finess, t);
        const rows = await db
          .selectFrom('reply_templates')
          .selectAll()
          .where('pharmacy_finess', '=', site)
          .orderBy('title')
          .orderBy('id')
          .execute();
        return rows.map(view);
      });
    },

    create(member, finess, input, context) {
      return perform(trace(member, 'messaging.template.create', context), async (transact, t) => {
        const site = await pharmacy(member, finess, t);
        const { title, body } = checkTemplate(input);
        return transact(async (trx) => {
          const count = await trx
            .selectFrom('reply_templates')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('pharmacy_finess', '=', site)
            .executeTakeFirstOrThrow();
          if (Number(count.n) >= MESSAGING_LIMITS.templatesPerPharmacy) {
            throw new DomainError(
              'TOO_MANY_TEMPLATES',
              `Une pharmacie peut enregistrer au plus ${MESSAGING_LIMITS.templatesPerPharmacy} modèles de réponse.`,
            );
          }
          const at = clock.now().toISOString();
          const row = {
            id: uuidv7(),
            pharmacy_finess: site,
            title,
            body,
            created_by: who(member),
            created_at: at,
            updated_by: who(member),
            updated_at: at,
          };
          await trx.insertInto('reply_templates').values(row).execute();
          t.target = row.id;
          return view(row);
        });
      });
    },

    update(member, templateId, input, context) {
      return perform(trace(member, 'messaging.template.update', context), async (transact, t) => {
        const row = await template(member, templateId, t);
        const { title, body } = checkTemplate(input);
        return transact(async (trx) => {
          const changes = { title, body, updated_by: who(member), updated_at: clock.now().toISOString() };
          await trx.updateTable('reply_templates').set(changes).where('id', '=', row.id).execute();
          return view({ ...row, ...changes });
        });
      });
    },

    remove(member, templateId, context) {
      return perform(trace(member, 'messaging.template.delete', context), async (transact, t) => {
        const row = await template(member, templateId, t);
        await transact(async (trx) => {
          await trx.deleteFrom('reply_templates').where('id', '=', row.id).execute();
        });
      });
    },
  };
}
