-- An area's boundary for maps: the unit's outline as rings of projected
-- points (x east, y north, simplified for drawing), JSON text
-- `[[[x, y], ...], ...]`, one per unit, kept beside the property its code
-- was read from and who imported it when.
create table area_boundary (
    unit_id bigint primary key references org_unit (id) on delete cascade,
    outline text not null,
    points bigint not null,
    source_file text not null,
    imported_by text not null,
    imported_on text not null
);

-- An indicator published on the open-data portal: its approved figures are
-- readable without signing in. Who published it and when; unpublishing
-- deletes the row (the audit trail keeps both).
create table published_indicator (
    indicator_id bigint primary key references indicator (id) on delete cascade,
    published_by text not null,
    published_on text not null
);
