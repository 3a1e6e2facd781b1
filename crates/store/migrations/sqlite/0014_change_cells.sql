-- Scale-out by deltas: each change-log row names the cells its write
-- changed, so another instance applies just those; and every running
-- instance records how far it has applied the log, so the log can be
-- pruned behind the slowest live one.
alter table change_log add column cells text;

create table app_instance (
    id text primary key,
    applied_seq integer not null default 0,
    started_at text not null default current_timestamp,
    heartbeat_at text not null default current_timestamp
);
