create table account (
    id bigint generated always as identity primary key,
    email text collate "C" not null unique,
    name text not null,
    role text not null,
    password_hash text not null,
    disabled boolean not null default false,
    created_at timestamptz not null default current_timestamp,
    password_changed_at timestamptz not null default current_timestamp
);
comment on table account is 'people who sign in; role is admin, performance_officer, owner or viewer; password_hash is an argon2id PHC string, never the password';

create table account_scope (
    account_id bigint not null references account (id) on delete cascade,
    org_unit_id bigint references org_unit (id),
    group_id bigint references org_group (id),
    check (org_unit_id is null or group_id is null)
);
create index account_scope_by_account on account_scope (account_id);
comment on table account_scope is 'the parts of the hierarchy an account works in: a subtree (below and including a unit), the units of a group with their subtrees, or (neither named) the whole hierarchy';

create table closed_group (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    description text not null default ''
);
comment on table closed_group is 'closed groups: people (from any body) who alone may read the records confidential to the group, whatever their role';

create table closed_group_member (
    closed_group_id bigint not null references closed_group (id) on delete cascade,
    account_id bigint not null references account (id) on delete cascade,
    primary key (closed_group_id, account_id)
);
comment on table closed_group_member is 'who belongs to each closed group';

create table indicator_owner (
    indicator_id bigint not null references indicator (id),
    account_id bigint not null references account (id) on delete cascade,
    primary key (indicator_id, account_id)
);
comment on table indicator_owner is 'the indicators an account owns: an owner enters, submits and comments on their values, for units within the owner''s scope';

create table session (
    id_hash text primary key,
    data text not null,
    expires_at bigint not null
);
create index session_by_expiry on session (expires_at);
comment on table session is 'signed-in sessions; id_hash is the SHA-256 of the cookie''s session id, so the table cannot be used to sign in; times are seconds since 1970 (UTC)';

create table api_token (
    id bigint generated always as identity primary key,
    account_id bigint not null references account (id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    read_only boolean not null default false,
    created_at bigint not null,
    expires_at bigint not null,
    revoked_at bigint,
    last_used_at bigint
);
comment on table api_token is 'API tokens for machine clients: the SHA-256 of the token (shown once), the account whose rights it carries, and whether it may only read';

create table sign_in_attempt (
    key text primary key,
    failures integer not null,
    window_start bigint not null,
    locked_until bigint
);
comment on table sign_in_attempt is 'failed sign-ins by account (an email) or by network address, within the current window, to slow and then refuse guessing; seconds since 1970';

alter table value add column state text not null default 'approved';
alter table value add column entered_by text;
alter table value add column submitted_by text;
alter table value add column approved_by text;
create index value_not_approved on value (state) where state <> 'approved';
comment on column value.state is 'the data workflow: draft (entered), submitted (by its owner), approved (by a performance officer, then locked)';

alter table target add column state text not null default 'ratified';
alter table target add column proposed_by text;
alter table target add column ratified_by text;
alter table target add column ratified_at timestamptz;
comment on column target.state is 'proposed or ratified: targets judge nothing until ratified (by the committee, recorded by a performance officer)';

create table data_return (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    period text collate "C" not null,
    deadline text not null,
    state text not null default 'open',
    reason text,
    opened_by text not null,
    opened_at timestamptz not null default current_timestamp
);
comment on table data_return is 'a data return: figures a performance officer asks units for, for one period, by a deadline; state is open, closed or cancelled';

create table data_return_indicator (
    data_return_id bigint not null references data_return (id) on delete cascade,
    indicator_id bigint not null references indicator (id),
    primary key (data_return_id, indicator_id)
);
comment on table data_return_indicator is 'the indicators a return asks for';

create table data_return_unit (
    data_return_id bigint not null references data_return (id) on delete cascade,
    org_unit_id bigint not null references org_unit (id),
    state text not null default 'asked',
    reason text,
    decided_by text,
    primary key (data_return_id, org_unit_id)
);
comment on table data_return_unit is 'the units a return asks; state is asked, waived (need not return this time) or cancelled (no further returns asked), with the reason';

create table return_story (
    id bigint generated always as identity primary key,
    data_return_id bigint not null references data_return (id) on delete cascade,
    org_unit_id bigint not null references org_unit (id),
    title text not null,
    body text not null,
    author text not null,
    written_at timestamptz not null default current_timestamp
);
comment on table return_story is 'stories: short accounts of activities and outcomes a unit gives beside its figures in a return';

alter table audit add column account_id bigint;
alter table audit add column interface text not null default 'cli';
alter table audit add column record_type text;
alter table audit add column record_key text;
alter table audit add column before text;
alter table audit add column after text;
alter table audit add column reason text;
create index audit_by_record on audit (record_type, record_key);
create index audit_by_actor on audit (actor);
create index audit_by_time on audit (at);
comment on table audit is 'the audit trail: one row per change to a record: who (and their account), through which face, what was done to which record, its before and after as JSON, and why where a reason is given';

create function audit_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit trail cannot be changed or deleted';
end;
$$;
create trigger audit_cannot_be_changed before update or delete on audit
    for each statement execute function audit_is_append_only();
