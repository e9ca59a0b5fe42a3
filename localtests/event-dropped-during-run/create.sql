-- An EVENT named like the table is dropped while ghost-rs runs; the binlog then
-- holds "DROP EVENT `db`.`gh_ost_test`", a DDL that names an event, not the
-- table: the migration must go on. (This is what gh-ost's own event pattern,
-- "ends current_timestamp + interval 60 second on completion not preserve", does
-- to a migration that lasts more than 60 seconds: the server drops the expired
-- event and binlogs the DROP EVENT.)
-- To happen while ghost-rs streams the binlog, not before, the DROP waits for
-- rows in ghost-rs's changelog table, which it writes only once it streams.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1), (null, 2), (null, 3);

drop event if exists gh_ost_test;
drop event if exists gh_ost_test_dropper;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test values (null, 11);
  update gh_ost_test set i = i + 1 where id = 1;
end ;;

create event gh_ost_test_dropper
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  if (select count(*) from information_schema.tables
      where table_schema = database() and table_name = '_gh_ost_test_ghc') > 0 then
    if (select count(*) from _gh_ost_test_ghc) > 0 then
      insert into gh_ost_test values (null, 99);
      drop event if exists gh_ost_test;
    end if;
  end if;
end ;;
