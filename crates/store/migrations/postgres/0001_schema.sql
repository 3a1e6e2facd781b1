-- Stocktake schema for PostgreSQL. Ids are identity columns; codes are what
-- people use. Codes and periods sort byte by byte (collate "C"), as SQLite
-- sorts them, whatever the server's locale.

create table org_unit (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    level text not null,
    parent_id bigint references org_unit (id)
);
create index org_unit_by_parent on org_unit (parent_id);
comment on table org_unit is 'organisation units in one hierarchy: parent_id points one level up, null at the top';

create table org_group (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null
);
comment on table org_group is 'named sets of units that cut across the hierarchy: comparator families, regions';

create table org_group_member (
    group_id bigint not null references org_group (id) on delete cascade,
    org_unit_id bigint not null references org_unit (id),
    primary key (group_id, org_unit_id)
);
comment on table org_group_member is 'which units belong to which group';

create table indicator (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    description text not null default '',
    unit text not null default '',
    polarity text not null,
    kind text not null,
    factor text not null default '1',
    frequency text not null,
    decimals integer not null default 1,
    owner text not null default '',
    indicator_set text not null default '',
    denominator_over_periods text not null default 'sum'
);
comment on table indicator is 'indicator definitions; enums are stored as the words core writes (higher_is_better, ratio, month)';

create table value (
    indicator_id bigint not null references indicator (id),
    org_unit_id bigint not null references org_unit (id),
    period text collate "C" not null,
    value double precision not null,
    numerator double precision,
    denominator double precision,
    note text,
    updated_at timestamptz not null default current_timestamp,
    primary key (indicator_id, org_unit_id, period)
);
comment on table value is 'the figures: one value per indicator, unit and period (canonical text: 2024-01, 2024/25 Q1, 2024/25)';

create table target (
    indicator_id bigint not null references indicator (id),
    org_unit_id bigint not null references org_unit (id),
    period text collate "C" not null,
    target double precision not null,
    tolerance double precision not null default 0,
    primary key (indicator_id, org_unit_id, period)
);
comment on table target is 'targets per indicator, unit and period; tolerance is the amber band in percent of the target';

create table audit (
    id bigint generated always as identity primary key,
    at timestamptz not null default current_timestamp,
    actor text not null,
    action text not null,
    detail text not null
);
comment on table audit is 'who changed what: one row per edit, one per imported batch';

create table change_log (
    seq bigint generated always as identity primary key,
    at timestamptz not null default current_timestamp,
    entity text not null,
    detail text not null
);
comment on table change_log is 'one row per committed write, so other app instances can tell the data moved on';

create table settings (
    key text primary key,
    value text not null
);
comment on table settings is 'deployment settings as key and value, for later use';
