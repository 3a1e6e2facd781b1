-- A data table published beside the indicators that is not an indicator
-- (an annual list of prosecutions, say): its own columns and rows, owned
-- by a unit (whose scope decides who may see and change it), with a
-- licence line and source for the open-data portal, and who published it
-- and when (none while unpublished).
create table data_table (
    id bigint generated always as identity primary key,
    code text collate "C" not null unique,
    title text not null,
    description text not null default '',
    org_unit_id bigint not null references org_unit (id),
    licence text not null default '',
    source text not null default '',
    published_by text,
    published_on text,
    -- the file the rows were last imported from, by whom and when
    rows_file text not null default '',
    rows_imported_by text not null default '',
    rows_imported_on text not null default ''
);

-- a column of a data table, in order: its name (as in the rows' CSV
-- header), title, type (text, number, date, period or unit), the
-- decimals a number is shown with, whether a row must fill it, and what
-- it holds
create table data_table_column (
    table_id bigint not null references data_table (id) on delete cascade,
    position bigint not null,
    name text not null,
    title text not null,
    kind text not null,
    decimals bigint not null default 0,
    required bigint not null default 0,
    description text not null default '',
    primary key (table_id, position)
);

-- a row of a data table, in order: its cells as a JSON array of text, one
-- per column in the columns' order, each already checked against its type
create table data_table_row (
    table_id bigint not null references data_table (id) on delete cascade,
    position bigint not null,
    cells text not null,
    primary key (table_id, position)
);
