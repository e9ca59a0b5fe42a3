-- Negative and zero primary key values (this key is not AUTO_INCREMENT; see
-- autoinc-zero-value for 0 in one); the event swaps the keys 1 and -1.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id bigint not null,
  v varchar(16),
  primary key(id)
);

insert into gh_ost_test values
  (-9223372036854775808, 'min'), (-1000000, 'a'), (-11, 'b'), (-10, 'c'), (-2, 'd'), (-1, 'e'), (0, 'zero'),
  (1, 'f'), (2, 'g'), (9, 'h'), (10, 'i'), (11, 'j'), (9223372036854775807, 'max');

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
  insert into gh_ost_test values (-floor(rand() * 1000000000) - 20, 'ev') on duplicate key update v = 'dup';
  start transaction;
  update gh_ost_test set id = -999999999999 where id = 1;
  update gh_ost_test set id = 1 where id = -1;
  update gh_ost_test set id = -1 where id = -999999999999;
  commit;
  update gh_ost_test set v = concat(v, '!') where id = 0;
  delete from gh_ost_test where id = -11;
end ;;
