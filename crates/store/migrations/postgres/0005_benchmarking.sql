create table nearest_neighbour (
    org_unit_id bigint not null references org_unit (id) on delete cascade,
    neighbour_id bigint not null references org_unit (id) on delete cascade,
    rank integer not null check (rank >= 1),
    primary key (org_unit_id, rank),
    unique (org_unit_id, neighbour_id)
);
comment on table nearest_neighbour is 'each unit''s nearest neighbours: its own ordered list of comparators, as benchmarking services publish them (CIPFA''s nearest neighbours, for one); rank 1 is the nearest';

create table hot_spot_rule (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    name text not null,
    worst_quartiles integer not null check (worst_quartiles between 1 and 4),
    trend text not null,
    comparators text not null
);
comment on table hot_spot_rule is 'the regional team''s rules naming hot spots: a figure in one of the worst quartiles of its comparators (the picture''s authorities, or its nearest neighbours) whose trend meets a condition (any, worsening, declining, not_improving)';
