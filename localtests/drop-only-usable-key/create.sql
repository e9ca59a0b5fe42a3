-- The ALTER drops the only usable key (the primary key, no other unique key):
-- no key survives to match rows of the original and the ghost, so refuse.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int not null,
  v int,
  primary key(id)
);

insert into gh_ost_test values (1, 1), (2, 2), (3, 3);

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
  update gh_ost_test set v = v + 1 where id = 1;
end ;;
