/**
 * Table types shared by both engines. Dates are `YYYY-MM-DD` strings and instants are ISO-8601
 * UTC strings on both engines (PostgreSQL `date`/`timestamptz` are parsed back to those strings
 * in connect.ts), and booleans are 0/1 integers, so one code path serves SQLite and PostgreSQL.
 */
export interface Schema {
  pharmacies: PharmacyTable;
  mailboxes: MailboxTable;
  professionals: ProfessionalTable;
  memberships: MembershipTable;
  patients: PatientTable;
  eligibility: EligibilityTable;
  import_runs: ImportRunTable;
  auth_sessions: AuthSessionTable;
  auth_login_states: AuthLoginStateTable;
  auth_rate_limits: AuthRateLimitTable;
  idp_artifacts: IdpArtifactTable;
  audit_records: AuditRecordTable;
  audit_chain_head: AuditChainHeadTable;
  api_credentials: ApiCredentialTable;
  conversations: ConversationTable;
  messages: MessageTable;
  message_attachments: MessageAttachmentTable;
  team_read_states: TeamReadStateTable;
  patient_read_states: PatientReadStateTable;
  reply_templates: ReplyTemplateTable;
  idempotency_keys: IdempotencyKeyTable;
  messaging_quotas: MessagingQuotaTable;
  mailbox_journal: MailboxJournalTable;
  mailbox_journal_heads: MailboxJournalHeadTable;
  patient_journal: PatientJournalTable;
  patient_journal_heads: PatientJournalHeadTable;
  eprescriptions: EPrescriptionTable;
  health_documents: HealthDocumentTable;
  inbound_mail: InboundMailTable;
}

export interface PharmacyTable {
  /** Site (ET) FINESS number: messages and reimbursements refer to the site. */
  finess: string;
  legal_finess: string | null;
  name: string;
  address: string;
  postcode: string;
  city: string;
  departement: string;
  phone: string | null;
  opening_hours: string | null;
  updated_at: string;
}

export interface MailboxTable {
  id: string;
  /** Never changes after creation (MSSanté rule), nor does `kind`. */
  address: string;
  kind: 'ORG' | 'PER' | 'APP' | 'CAB';
  pharmacy_finess: string | null;
  /** 1 = published in the directory; 0 = "liste rouge". */
  published: number;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProfessionalTable {
  rpps: string;
  family_name: string;
  given_name: string;
  updated_at: string;
}

export type MembershipRole = 'titulaire' | 'adjoint' | 'preparateur';

export interface MembershipTable {
  rpps: string;
  pharmacy_finess: string;
  role: MembershipRole;
  updated_at: string;
}

export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

export interface PatientTable {
  /** Matricule INS (NIR or NIA with its key), 15 characters. */
  matricule: string;
  /** Assigning authority: NIR `1.2.250.1.213.1.4.8` or NIA `1.2.250.1.213.1.4.9`. */
  oid: string;
  identity_status: IdentityStatus;
  family_name: string;
  given_names: string;
  birth_date: string;
  sex: 'M' | 'F';
  /** INSEE code of the birthplace (commune, or 99xxx country code). */
  birthplace_code: string;
  created_at: string;
}

export interface EligibilityTable {
  matricule: string;
  finess: string;
  last_reimbursed_on: string;
}

export interface ImportRunTable {
  id: string;
  kind: 'dispensations' | 'directory';
  sha256: string;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_skipped: number;
  pairs_changed: number;
  started_at: string;
  finished_at: string;
}

export interface ApiCredentialTable {
  id: string;
  pharmacy_finess: string;
  name: string;
  secret_sha256: string;
  /** RPPS of the titulaire who created it. */
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  /** RPPS of the titulaire who confirmed it after its creator stopped being one, and when. */
  confirmed_by: string | null;
  confirmed_at: string | null;
}

/** One record of the audit trail: append-only, hash-chained (see src/audit/canonical.ts). */
export interface AuditRecordTable {
  /** 1, 2, 3… with no gap: the position in the one chain of the deployment. */
  seq: number;
  at: string;
  actor_kind: 'patient' | 'professional' | 'api-credential' | 'system' | 'anonymous';
  /** Patient pseudonym, RPPS or API credential id; null for system and anonymous actors. */
  actor_id: string | null;
  /** FINESS of an API credential's pharmacy. */
  actor_finess: string | null;
  on_behalf_of: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  result: 'success' | 'failure' | 'denied';
  reason: string | null;
  /** 1: hash is the unkeyed SHA-256 of the record; 2: its HMAC-SHA256 under the chain key. */
  chain_version: number;
  /** A refusal summary's count (src/audit/refusals.ts); null for any other record. */
  count: number | null;
  /** A refusal summary's window start; null for any other record. */
  window_start: string | null;
  prev_hash: string;
  hash: string;
}

/** The single row (id 1) naming the chain's last record; updating it serialises appends. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** HMAC of (seq, hash) under the chain key; null until the first keyed record. */
  mac: string | null;
}

/** A browser session (src/auth/sessions.ts). The id itself is never stored, only its SHA-256. */
export interface AuthSessionTable {
  id_sha256: string;
  population: 'patient' | 'professional';
  /** Matricule INS of a patient, RPPS of a professional. */
  subject: string;
  given_name: string;
  family_name: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute end of the session, whatever the activity. */
  expires_at: string;
}

/** A login in progress: single use, short-lived (src/auth/login-states.ts). */
export interface AuthLoginStateTable {
  state_sha256: string;
  population: 'patient' | 'professional';
  /** SHA-256 of the pre-login cookie: the callback must come from the browser that started. */
  browser_sha256: string;
  nonce: string;
  code_verifier: string;
  created_at: string;
  expires_at: string;
}

/** A fixed-window login attempt counter (src/auth/rate-limit.ts). */
export interface AuthRateLimitTable {
  bucket: string;
  window_start: string;
  hits: number;
}

/** The bundled identity provider's artefacts (oidc-provider adapter). */
export interface IdpArtifactTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

/** A conversation between a patient and a pharmacy's ORG mailbox (src/messaging/, migration 005). */
export interface ConversationTable {
  id: string;
  pharmacy_finess: string;
  mailbox_id: string;
  patient_matricule: string;
  /** The patient's names when the conversation started, for the team. */
  patient_given_names: string;
  patient_family_name: string;
  subject: string;
  status: 'received' | 'in_preparation' | 'ready' | 'collected' | 'partial' | 'cannot_fill';
  rest_expected_on: string | null;
  cannot_fill_reason: string | null;
  /** RPPS of the team member handling it. */
  claimed_by: string | null;
  claimed_at: string | null;
  closed_at: string | null;
  /** RPPS or API credential id of who closed it. */
  closed_by: string | null;
  message_count: number;
  /** Position of the last patient message, of the last team message (0: none). */
  last_patient_position: number;
  last_team_position: number;
  last_message_at: string;
  created_at: string;
  updated_at: string;
  /** Bumped by every change; the bump is also the row lock of a change. */
  version: number;
}

export interface MessageTable {
  id: string;
  conversation_id: string;
  /** 1, 2, 3… within the conversation. */
  position: number;
  author_kind: 'patient' | 'professional' | 'software';
  /** Matricule INS, RPPS or API credential id. */
  author_id: string;
  body: string;
  /** RFC 5322 `<uuid@domain>`. */
  message_id: string;
  in_reply_to: string | null;
  /** The References header: Message-IDs separated by one space. */
  message_references: string | null;
  template_id: string | null;
  /** 1: the message that closed the conversation (MSSanté `X-MSS-MES: FIN`). */
  closes_conversation: number;
  created_at: string;
}

export interface MessageAttachmentTable {
  id: string;
  message_id: string;
  conversation_id: string;
  position: number;
  kind: 'image' | 'pdf';
  media_type: string;
  source_type: string;
  /** SHA-256 and size of the bytes as uploaded (see ProcessedAttachment). */
  source_sha256: string;
  source_size: number;
  file_name: string;
  blob_sha256: string;
  blob_size: number;
  thumbnail_sha256: string | null;
  thumbnail_size: number | null;
  width: number | null;
  height: number | null;
  pages: number | null;
  /** JSON array of AttachmentFlag. */
  flags: string;
  /** JSON array of e-prescription numbers. */
  prescription_numbers: string;
  created_at: string;
}

export interface TeamReadStateTable {
  conversation_id: string;
  /** RPPS of a team member, or `api:<credential id>` for pharmacy software. */
  reader: string;
  last_read_position: number;
  last_read_message_id: string;
  read_at: string;
}

export interface PatientReadStateTable {
  conversation_id: string;
  last_read_position: number;
  last_read_message_id: string;
  read_at: string;
}

export interface ReplyTemplateTable {
  id: string;
  pharmacy_finess: string;
  title: string;
  body: string;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface IdempotencyKeyTable {
  /** `patient:<matricule>`, `pro:<rpps>` or `api:<credential id>`. */
  actor: string;
  key: string;
  operation: string;
  request_sha256: string;
  /** JSON of the first result; null only inside the transaction that is producing it. */
  result: string | null;
  created_at: string;
}

export interface MessagingQuotaTable {
  /** Matricule INS of the patient counted. */
  subject: string;
  kind: string;
  window_start: string;
  hits: number;
}

export interface MailboxJournalTable {
  mailbox_id: string;
  seq: number;
  kind: string;
  ref: string;
  at: string;
}

export interface MailboxJournalHeadTable {
  mailbox_id: string;
  seq: number;
}

export interface PatientJournalTable {
  matricule: string;
  seq: number;
  kind: string;
  ref: string;
  at: string;
}

export interface PatientJournalHeadTable {
  matricule: string;
  seq: number;
}

/** The embedded e-prescription base (src/eprescription/local-base.ts). */
export interface EPrescriptionTable {
  number: string;
  matricule: string;
  prescriber: string;
  prescriber_rpps: string | null;
  issued_on: string;
  /** JSON array of `{ label, quantity, posology }`. */
  lines: string;
}

/** A document of a patient's health record ("Mes documents"). */
export interface HealthDocumentTable {
  id: string;
  matricule: string;
  kind: 'eprescription' | 'document';
  title: string;
  author: string;
  issued_on: string;
  prescription_number: string | null;
  /** The text the PDF is generated from. */
  body: string;
  created_at: string;
}

/** A message the SMTP listener accepted from another operator (src/gateway/spool.ts). */
export interface InboundMailTable {
  id: string;
  received_at: string;
  /** `received`: spooled, not yet turned into a conversation. */
  state: string;
  /** The SMTP session's id (the audit records' request id `smtp:<id>`). */
  session_id: string;
  /** The operator domain the peer was authenticated for. */
  peer_domain: string;
  peer_address: string;
  /** SHA-256 of the peer's client certificate, colon-separated hex. */
  peer_fingerprint: string;
  tls_protocol: string;
  tls_cipher: string;
  /** MAIL FROM ('' for the null sender). */
  mail_from: string;
  /** RCPT TO, a JSON array of `{address, notify, orcpt}` (src/gateway/delivery.ts). */
  rcpt_to: string;
  /** MAIL FROM's ENVID and RET (RFC 3461), null when not given. */
  dsn_envid: string | null;
  dsn_ret: string | null;
  /** The raw message (RFC 5322, as received, after our Received header) in the blob store. */
  blob_sha256: string;
  size: number;
}
