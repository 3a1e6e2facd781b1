-- Stocktake schema for SQLite. Timestamps are UTC text from current_timestamp
-- ('2025-01-31 09:15:00'); ids are rowid aliases; codes are what people use.

-- organisation units in one hierarchy: parent_id points one level up, null at the top
create table org_unit (
    id integer primary key,
    code text not null unique,
    name text not null,
    level text not null,
    parent_id integer references org_unit (id)
);
create index org_unit_by_parent on org_unit (parent_id);

-- named sets of units that cut across the hierarchy: comparator families, regions
create table org_group (
    id integer primary key,
    code text not null unique,
    name text not null
);

-- which units belong to which group
create table org_group_member (
    group_id integer not null references org_group (id) on delete cascade,
    org_unit_id integer not null references org_unit (id),
    primary key (group_id, org_unit_id)
) without rowid;

-- indicator definitions; enums are stored as the words core writes (higher_is_better, ratio, month)
create table indicator (
    id integer primary key,
    code text not null unique,
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

-- the figures: one value per indicator, unit and period (canonical text: 2024-01, 2024/25 Q1, 2024/25)
create table value (
    indicator_id integer not null references indicator (id),
    org_unit_id integer not null references org_unit (id),
    period text not null,
    value real not null,
    numerator real,
    denominator real,
    note text,
    updated_at text not null default current_timestamp,
    primary key (indicator_id, org_unit_id, period)
) without rowid;

-- targets per indicator, unit and period; tolerance is the amber band in percent of the target
create table target (
    indicator_id integer not null references indicator (id),
    org_unit_id integer not null references org_unit (id),
    period text not null,
    target real not null,
    tolerance real not null default 0,
    primary key (indicator_id, org_unit_id, period)
) without rowid;

-- who changed what: one row per edit, one per imported batch
create table audit (
    id integer primary key,
    at text not null default current_timestamp,
    actor text not null,
    action text not null,
    detail text not null
);

-- one row per committed write, so other processes can tell the data moved on;
-- autoincrement so a sequence number is never reused
create table change_log (
    seq integer primary key autoincrement,
    at text not null default current_timestamp,
    entity text not null,
    detail text not null
);

-- deployment settings as key and value, for later use
create table settings (
    key text primary key,
    value text not null
) without rowid;
