-- Negative and zero primary key values (0 needs NO_AUTO_VALUE_ON_ZERO in an
-- AUTO_INCREMENT column; this key is not AUTO_INCREMENT).
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
  update gh_ost_test set id = -id where id in (1, -1) order by id desc;
  update gh_ost_test set v = concat(v, '!') where id = 0;
  delete from gh_ost_test where id = -11;
end ;;
