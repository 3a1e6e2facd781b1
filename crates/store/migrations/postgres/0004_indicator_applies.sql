create table indicator_applies (
    indicator_id bigint not null references indicator (id) on delete cascade,
    level text not null default '',
    under_code text collate "C" not null default '',
    primary key (indicator_id, level, under_code)
);
comment on table indicator_applies is 'where each indicator applies (is collected), a data set in DHIS2''s words: units of a level, at or under a unit, or both; '''' in level or under_code means any. An indicator with no rows applies everywhere. under_code is a unit''s code rather than its id so a rule outlives the unit being re-imported.';
