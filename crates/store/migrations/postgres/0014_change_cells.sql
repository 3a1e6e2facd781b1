-- Scale-out by deltas: each change-log row names the cells its write
-- changed, so another instance applies just those; and every running
-- instance records how far it has applied the log, so the log can be
-- pruned behind the slowest live one.
alter table change_log add column cells text;
comment on column change_log.cells is 'the cells the write changed, one a line: indicator, unit and period separated by tabs, or indicator and * for every cell of the indicator; null where the write changed no figures';

create table app_instance (
    id text primary key,
    applied_seq bigint not null default 0,
    started_at timestamptz not null default current_timestamp,
    heartbeat_at timestamptz not null default current_timestamp
);
comment on table app_instance is 'each running app instance and the change-log sequence it has applied; the log is pruned behind the slowest live instance';
