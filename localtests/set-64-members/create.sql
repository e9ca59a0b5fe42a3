-- A SET with 64 members (the maximum: an 8-byte bitmask whose top bit is set).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s set('m01','m02','m03','m04','m05','m06','m07','m08','m09','m10','m11','m12','m13','m14','m15','m16',
        'm17','m18','m19','m20','m21','m22','m23','m24','m25','m26','m27','m28','m29','m30','m31','m32',
        'm33','m34','m35','m36','m37','m38','m39','m40','m41','m42','m43','m44','m45','m46','m47','m48',
        'm49','m50','m51','m52','m53','m54','m55','m56','m57','m58','m59','m60','m61','m62','m63','m64') not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, ''), (null, 'm01'), (null, 'm64'), (null, 'm63,m64'), (null, 'm01,m32,m33,m64'),
  (null, 18446744073709551615), (null, 9223372036854775808), (null, 9223372036854775807);

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
  insert into gh_ost_test values (null, 'm64');
  insert into gh_ost_test values (null, 18446744073709551615);
  update gh_ost_test set s = 'm02,m64' where id = 2;
  update gh_ost_test set s = 9223372036854775809 where id = 1;
  delete from gh_ost_test where id = 5;
end ;;
