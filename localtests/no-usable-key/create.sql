-- No PRIMARY KEY and no UNIQUE key over NOT NULL columns (only a nullable
-- unique key and a plain index): ghost-rs cannot follow the rows, it must refuse.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int,
  v int,
  unique key id_uk (id),
  key v_idx (v)
);

insert into gh_ost_test values (1, 1), (2, 2), (null, 3);

drop event if exists gh_ost_test;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test values (null, 4);
end ;;
