import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/** Directory, patients, the eligibility index and the import log. */
export function foundation(engine: Engine): Migration {
  const t = columnTypes(engine);
  // SQLite stores these tables in their primary-key B-tree (no rowid, one lookup instead of two).
  const clusteredOnPrimaryKey = <B extends { modifyEnd(modifier: ReturnType<typeof sql>): B }>(
    builder: B,
  ): B => (engine === 'sqlite' ? builder.modifyEnd(sql`without rowid`) : builder);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pharmacies')
        .addColumn('finess', 'text', (c) => c.primaryKey())
        .addColumn('legal_finess', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('postcode', 'text', (c) => c.notNull())
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('departement', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('opening_hours', 'text')
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        // Looked up by FINESS on every eligibility listing: cluster the rows on it.
        .$call(clusteredOnPrimaryKey)
        .execute();

      await db.schema
        .createTable('mailboxes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('address', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('ORG', 'PER', 'APP', 'CAB')`))
        .addColumn('pharmacy_finess', 'text', (c) => c.references('pharmacies.finess'))
        .addColumn('published', 'integer', (c) => c.notNull().check(sql`published in (0, 1)`))
        .addColumn('description', 'text')
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .execute();
      // One organisational mailbox per pharmacy site.
      await db.schema
        .createIndex('mailboxes_one_org_per_pharmacy')
        .on('mailboxes')
        .column('pharmacy_finess')
        .unique()
        .where(sql.ref('kind'), '=', 'ORG')
        .execute();
      // Covers the eligibility listing's join (published ORG mailbox of a pharmacy) without a
      // visit to the table.
      await db.schema
        .createIndex('mailboxes_published_org')
        .on('mailboxes')
        .columns(['pharmacy_finess', 'published', 'address'])
        .where(sql.ref('kind'), '=', 'ORG')
        .execute();
      await directoryVersion(db, engine);

      await db.schema
        .createTable('professionals')
        .addColumn('rpps', 'text', (c) => c.primaryKey())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('rpps', 'text', (c) => c.notNull().references('professionals.rpps'))
        .addColumn('pharmacy_finess', 'text', (c) => c.notNull().references('pharmacies.finess'))
        .addColumn('role', 'text', (c) =>
          c.notNull().check(sql`role in ('titulaire', 'adjoint', 'preparateur')`),
        )
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['rpps', 'pharmacy_finess'])
        .execute();
      await db.schema
        .createIndex('memberships_by_pharmacy')
        .on('memberships')
        .column('pharmacy_finess')
        .execute();

      await db.schema
        .createTable('patients')
        .addColumn('matricule', 'text', (c) => c.primaryKey())
        .addColumn('oid', 'text', (c) => c.notNull())
        .addColumn('identity_status', 'text', (c) =>
          c.notNull().check(sql`identity_status in ('PROV', 'RECUP', 'VALI', 'QUAL')`),
        )
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('given_names', 'text', (c) => c.notNull())
        .addColumn('birth_date', t.date, (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('M', 'F')`))
        .addColumn('birthplace_code', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();

      // The eligibility index: one row per (patient, pharmacy site), the latest reimbursed
      // dispensation date. No foreign keys: reimbursement records may name a pharmacy before
      // the directory lists it, and the index holds ~10^8 rows at national scale.
      await db.schema
        .createTable('eligibility')
        .addColumn('matricule', 'text', (c) => c.notNull())
        .addColumn('finess', 'text', (c) => c.notNull())
        .addColumn('last_reimbursed_on', t.date, (c) => c.notNull())
        .addPrimaryKeyConstraint('eligibility_pk', ['matricule', 'finess'])
        .$call(clusteredOnPrimaryKey)
        .execute();

      await db.schema
        .createTable('import_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('rows_read', 'integer', (c) => c.notNull())
        .addColumn('rows_accepted', 'integer', (c) => c.notNull())
        .addColumn('rows_rejected', 'integer', (c) => c.notNull())
        .addColumn('rows_skipped', 'integer', (c) => c.notNull())
        .addColumn('pairs_changed', 'integer', (c) => c.notNull())
        .addColumn('started_at', t.instant, (c) => c.notNull())
        .addColumn('finished_at', t.instant, (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * `directory_version`: one row whose `version` grows with every committed change to `pharmacies`
 * or `mailboxes`, whoever writes them (triggers, in the writing transaction). Readers that keep
 * the directory in memory (eligibility/directory-cache.ts) compare it with the version they loaded.
 * SQLite: bumped by each changed row (one writer at a time, an in-place update). PostgreSQL: bumped
 * once per transaction, at commit (a deferred trigger), so the counter row is locked only while
 * committing and two directory writers can never deadlock on it.
 */
async function directoryVersion(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('directory_version')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', engine === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into directory_version (id, version) values (1, 0)`.execute(db);
  const tables = ['pharmacies', 'mailboxes'];
  if (engine === 'sqlite') {
    for (const table of tables) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql
          .raw(
            `create trigger ${table}_${event}_directory_version after ${event} on ${table} ` +
              'begin update directory_version set version = version + 1; end',
          )
          .execute(db);
      }
    }
    return;
  }
  // The flag is local to the transaction: the first changed row bumps, the others only read it.
  await sql
    .raw(
      'create function directory_version_bump() returns trigger language plpgsql as $$ begin ' +
        "if current_setting('officine.directory_bumped', true) is distinct from 'yes' then " +
        'update directory_version set version = version + 1; ' +
        "perform set_config('officine.directory_bumped', 'yes', true); " +
        'end if; return null; end $$',
    )
    .execute(db);
  for (const table of tables) {
    await sql
      .raw(
        `create constraint trigger ${table}_directory_version after insert or update or delete on ${table} ` +
          'deferrable initially deferred for each row execute function directory_version_bump()',
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_truncate_directory_version after truncate on ${table} ` +
          'for each statement execute function directory_version_bump()',
      )
      .execute(db);
  }
}
