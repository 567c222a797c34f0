(module
  (import "env" "memory" (memory 1 65536))
  (func $pack4 (param $src i32) (param $count i32) (param $rs i32) (param $ks i32) (param $k i32) (param $dst i32)
    (local $q i32)
    (local $kk i32)
    (local $off i32)
    (local $p0 i32)
    (local $p1 i32)
    (local $p2 i32)
    (local $p3 i32)
    i32.const 0
    local.set $q
    block
      local.get $q
      local.get $count
      i32.ge_u
      br_if 0
      loop
        i32.const 0
        local.set $off
        local.get $rs
        i32.const 4
        i32.sub
        i32.eqz
        local.get $count
        local.get $q
        i32.const 4
        i32.add
        i32.lt_u
        i32.eqz
        i32.and
        if
          local.get $src
          local.get $q
          i32.const 4
          i32.mul
          i32.add
          local.set $p0
          i32.const 0
          local.set $kk
          block
            local.get $kk
            local.get $k
            i32.ge_u
            br_if 0
            loop
              local.get $dst
              local.get $p0
              local.get $off
              i32.add
              v128.load align=4
              v128.store align=4
              local.get $dst
              i32.const 16
              i32.add
              local.set $dst
              local.get $off
              local.get $ks
              i32.add
              local.set $off
              local.get $kk
              i32.const 1
              i32.add
              local.set $kk
              local.get $kk
              local.get $k
              i32.lt_u
              br_if 0
            end
          end
        else
          local.get $src
          local.get $q
          i32.const 0
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 0
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p0
          local.get $src
          local.get $q
          i32.const 1
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 1
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p1
          local.get $src
          local.get $q
          i32.const 2
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 2
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p2
          local.get $src
          local.get $q
          i32.const 3
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 3
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p3
          i32.const 0
          local.set $kk
          block
            local.get $kk
            local.get $k
            i32.ge_u
            br_if 0
            loop
              local.get $dst
              local.get $p0
              local.get $off
              i32.add
              f32.load
              f32.store
              local.get $dst
              local.get $p1
              local.get $off
              i32.add
              f32.load
              f32.store offset=4
              local.get $dst
              local.get $p2
              local.get $off
              i32.add
              f32.load
              f32.store offset=8
              local.get $dst
              local.get $p3
              local.get $off
              i32.add
              f32.load
              f32.store offset=12
              local.get $dst
              i32.const 16
              i32.add
              local.set $dst
              local.get $off
              local.get $ks
              i32.add
              local.set $off
              local.get $kk
              i32.const 1
              i32.add
              local.set $kk
              local.get $kk
              local.get $k
              i32.lt_u
              br_if 0
            end
          end
        end
        local.get $q
        i32.const 4
        i32.add
        local.set $q
        local.get $q
        local.get $count
        i32.lt_u
        br_if 0
      end
    end
  )
  (func $pack8 (param $src i32) (param $count i32) (param $rs i32) (param $ks i32) (param $k i32) (param $dst i32)
    (local $q i32)
    (local $kk i32)
    (local $off i32)
    (local $p0 i32)
    (local $p1 i32)
    (local $p2 i32)
    (local $p3 i32)
    (local $p4 i32)
    (local $p5 i32)
    (local $p6 i32)
    (local $p7 i32)
    i32.const 0
    local.set $q
    block
      local.get $q
      local.get $count
      i32.ge_u
      br_if 0
      loop
        i32.const 0
        local.set $off
        local.get $rs
        i32.const 4
        i32.sub
        i32.eqz
        local.get $count
        local.get $q
        i32.const 8
        i32.add
        i32.lt_u
        i32.eqz
        i32.and
        if
          local.get $src
          local.get $q
          i32.const 4
          i32.mul
          i32.add
          local.set $p0
          i32.const 0
          local.set $kk
          block
            local.get $kk
            local.get $k
            i32.ge_u
            br_if 0
            loop
              local.get $dst
              local.get $p0
              local.get $off
              i32.add
              v128.load align=4
              v128.store align=4
              local.get $dst
              local.get $p0
              local.get $off
              i32.add
              v128.load offset=16 align=4
              v128.store offset=16 align=4
              local.get $dst
              i32.const 32
              i32.add
              local.set $dst
              local.get $off
              local.get $ks
              i32.add
              local.set $off
              local.get $kk
              i32.const 1
              i32.add
              local.set $kk
              local.get $kk
              local.get $k
              i32.lt_u
              br_if 0
            end
          end
        else
          local.get $src
          local.get $q
          i32.const 0
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 0
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p0
          local.get $src
          local.get $q
          i32.const 1
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 1
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p1
          local.get $src
          local.get $q
          i32.const 2
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 2
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p2
          local.get $src
          local.get $q
          i32.const 3
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 3
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p3
          local.get $src
          local.get $q
          i32.const 4
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 4
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p4
          local.get $src
          local.get $q
          i32.const 5
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 5
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p5
          local.get $src
          local.get $q
          i32.const 6
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 6
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p6
          local.get $src
          local.get $q
          i32.const 7
          i32.add
          local.get $count
          i32.const 1
          i32.sub
          local.get $q
          i32.const 7
          i32.add
          local.get $count
          i32.lt_u
          select
          local.get $rs
          i32.mul
          i32.add
          local.set $p7
          i32.const 0
          local.set $kk
          block
            local.get $kk
            local.get $k
            i32.ge_u
            br_if 0
            loop
              local.get $dst
              local.get $p0
              local.get $off
              i32.add
              f32.load
              f32.store
              local.get $dst
              local.get $p1
              local.get $off
              i32.add
              f32.load
              f32.store offset=4
              local.get $dst
              local.get $p2
              local.get $off
              i32.add
              f32.load
              f32.store offset=8
              local.get $dst
              local.get $p3
              local.get $off
              i32.add
              f32.load
              f32.store offset=12
              local.get $dst
              local.get $p4
              local.get $off
              i32.add
              f32.load
              f32.store offset=16
              local.get $dst
              local.get $p5
              local.get $off
              i32.add
              f32.load
              f32.store offset=20
              local.get $dst
              local.get $p6
              local.get $off
              i32.add
              f32.load
              f32.store offset=24
              local.get $dst
              local.get $p7
              local.get $off
              i32.add
              f32.load
              f32.store offset=28
              local.get $dst
              i32.const 32
              i32.add
              local.set $dst
              local.get $off
              local.get $ks
              i32.add
              local.set $off
              local.get $kk
              i32.const 1
              i32.add
              local.set $kk
              local.get $kk
              local.get $k
              i32.lt_u
              br_if 0
            end
          end
        end
        local.get $q
        i32.const 8
        i32.add
        local.set $q
        local.get $q
        local.get $count
        i32.lt_u
        br_if 0
      end
    end
  )
  (func $packWindow (param $img i32) (param $f0 i32) (param $count i32) (param $k i32) (param $dst i32) (param $ow i32) (param $ohow i32) (param $swc4 i32) (param $shwc4 i32) (param $hwc4 i32) (param $kwc i32) (param $wc4 i32)
    (local $q i32)
    (local $kk i32)
    (local $at i32)
    (local $px i32)
    (local $py i32)
    (local $oh i32)
    (local $adjacent i32)
    (local $o0 i32)
    (local $o1 i32)
    (local $o2 i32)
    (local $o3 i32)
    local.get $ohow
    local.get $ow
    i32.div_u
    local.set $oh
    i32.const 0
    local.set $q
    block
      local.get $q
      local.get $count
      i32.ge_u
      br_if 0
      loop
        local.get $f0
        i32.const 0
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 0
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.div_u
        local.get $wc4
        i32.mul
        local.get $f0
        i32.const 0
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 0
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.rem_u
        i32.const 4
        i32.mul
        i32.add
        local.set $o0
        local.get $f0
        i32.const 1
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 1
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.div_u
        local.get $wc4
        i32.mul
        local.get $f0
        i32.const 1
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 1
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.rem_u
        i32.const 4
        i32.mul
        i32.add
        local.set $o1
        local.get $f0
        i32.const 2
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 2
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.div_u
        local.get $wc4
        i32.mul
        local.get $f0
        i32.const 2
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 2
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.rem_u
        i32.const 4
        i32.mul
        i32.add
        local.set $o2
        local.get $f0
        i32.const 3
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 3
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.div_u
        local.get $wc4
        i32.mul
        local.get $f0
        i32.const 3
        local.get $q
        i32.add
        local.get $count
        i32.const 1
        i32.sub
        local.get $q
        i32.const 3
        i32.add
        local.get $count
        i32.lt_u
        select
        i32.add
        local.get $kwc
        i32.rem_u
        i32.const 4
        i32.mul
        i32.add
        local.set $o3
        i32.const 1
        local.set $adjacent
        local.get $adjacent
        local.get $o1
        local.get $o0
        i32.sub
        i32.const 4
        i32.eq
        i32.and
        local.set $adjacent
        local.get $adjacent
        local.get $o2
        local.get $o1
        i32.sub
        i32.const 4
        i32.eq
        i32.and
        local.set $adjacent
        local.get $adjacent
        local.get $o3
        local.get $o2
        i32.sub
        i32.const 4
        i32.eq
        i32.and
        local.set $adjacent
        local.get $img
        local.set $at
        i32.const 0
        local.set $px
        i32.const 0
        local.set $py
        i32.const 0
        local.set $kk
        block
          local.get $kk
          local.get $k
          i32.ge_u
          br_if 0
          loop
            local.get $adjacent
            if
              local.get $dst
              local.get $at
              local.get $o0
              i32.add
              v128.load align=4
              v128.store align=4
            else
              local.get $dst
              local.get $at
              local.get $o0
              i32.add
              f32.load
              f32.store
              local.get $dst
              local.get $at
              local.get $o1
              i32.add
              f32.load
              f32.store offset=4
              local.get $dst
              local.get $at
              local.get $o2
              i32.add
              f32.load
              f32.store offset=8
              local.get $dst
              local.get $at
              local.get $o3
              i32.add
              f32.load
              f32.store offset=12
            end
            local.get $dst
            i32.const 16
            i32.add
            local.set $dst
            local.get $at
            local.get $swc4
            i32.add
            local.set $at
            local.get $px
            i32.const 1
            i32.add
            local.set $px
            local.get $px
            local.get $ow
            i32.eq
            if
              i32.const 0
              local.set $px
              local.get $at
              local.get $shwc4
              local.get $ow
              local.get $swc4
              i32.mul
              i32.sub
              i32.add
              local.set $at
              local.get $py
              i32.const 1
              i32.add
              local.set $py
              local.get $py
              local.get $oh
              i32.eq
              if
                i32.const 0
                local.set $py
                local.get $at
                local.get $hwc4
                local.get $oh
                local.get $shwc4
                i32.mul
                i32.sub
                i32.add
                local.set $at
              end
            end
            local.get $kk
            i32.const 1
            i32.add
            local.set $kk
            local.get $kk
            local.get $k
            i32.lt_u
            br_if 0
          end
        end
        local.get $q
        i32.const 4
        i32.add
        local.set $q
        local.get $q
        local.get $count
        i32.lt_u
        br_if 0
      end
    end
  )
  (func $product (export "product") (param $A i32) (param $ta i32) (param $lda i32) (param $B i32) (param $tb i32) (param $C i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32) (param $Ap i32) (param $Bp i32) (param $packs i32) (param $row0 i32) (param $segs i32) (param $seg i32) (param $skip i32) (param $ow i32) (param $ohow i32) (param $swc4 i32) (param $shwc4 i32) (param $hwc4 i32) (param $kwc i32) (param $wc4 i32)
    (local $j0 i32)
    (local $i0 i32)
    (local $pa i32)
    (local $pb i32)
    (local $steps i32)
    (local $runs i32)
    (local $row i32)
    (local $rows i32)
    (local $cols i32)
    (local $b0 v128)
    (local $b1 v128)
    (local $a v128)
    (local $r0 i32)
    (local $r1 i32)
    (local $r2 i32)
    (local $r3 i32)
    (local $kStep i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $c1_0 v128)
    (local $c1_1 v128)
    (local $c2_0 v128)
    (local $c2_1 v128)
    (local $c3_0 v128)
    (local $c3_1 v128)
    (local $wp i32)
    (local $wq i32)
    local.get $ta
    local.get $packs
    i32.const 1
    i32.and
    i32.and
    if
      local.get $ohow
      if
        local.get $A
        local.get $row0
        local.get $m
        local.get $k
        local.get $Ap
        local.get $ow
        local.get $ohow
        local.get $swc4
        local.get $shwc4
        local.get $hwc4
        local.get $kwc
        local.get $wc4
        call 2
      else
        local.get $A
        local.get $m
        i32.const 4
        local.get $lda
        i32.const 4
        i32.mul
        local.get $k
        local.get $Ap
        call 0
      end
    end
    local.get $packs
    i32.const 2
    i32.and
    if
      local.get $B
      local.get $n
      local.get $k
      i32.const 4
      i32.mul
      i32.const 4
      local.get $tb
      select
      i32.const 4
      local.get $ldc
      i32.const 4
      i32.mul
      local.get $tb
      select
      local.get $k
      local.get $Bp
      call 1
    end
    local.get $m
    local.get $n
    i32.gt_u
    if
      i32.const 0
      local.set $i0
      block
        local.get $i0
        local.get $m
        i32.ge_u
        br_if 0
        loop
          i32.const 0
          local.set $j0
          block
            local.get $j0
            local.get $n
            i32.ge_u
            br_if 0
            loop
              local.get $n
              local.get $j0
              i32.sub
              local.set $cols
              local.get $m
              local.get $i0
              i32.sub
              local.set $rows
              local.get $ta
              if
                local.get $Ap
                local.get $i0
                local.get $k
                i32.mul
                i32.const 4
                i32.mul
                i32.add
                local.set $pa
                i32.const 0
                local.set $r0
                i32.const 4
                local.set $r1
                i32.const 8
                local.set $r2
                i32.const 12
                local.set $r3
                i32.const 16
                local.set $kStep
              else
                local.get $ohow
                if
                  local.get $A
                  local.set $pa
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 0
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 0
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r0
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 1
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 1
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r1
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 2
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 2
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r2
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 3
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 3
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r3
                else
                  local.get $A
                  local.get $i0
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  i32.add
                  local.set $pa
                  i32.const 0
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 0
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r0
                  i32.const 1
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 1
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r1
                  i32.const 2
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 2
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r2
                  i32.const 3
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 3
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r3
                end
                i32.const 4
                local.set $kStep
              end
              local.get $Bp
              local.get $j0
              local.get $k
              i32.mul
              i32.const 4
              i32.mul
              i32.add
              local.set $pb
              f32.const 0
              f32x4.splat
              local.set $c0_0
              f32.const 0
              f32x4.splat
              local.set $c0_1
              f32.const 0
              f32x4.splat
              local.set $c1_0
              f32.const 0
              f32x4.splat
              local.set $c1_1
              f32.const 0
              f32x4.splat
              local.set $c2_0
              f32.const 0
              f32x4.splat
              local.set $c2_1
              f32.const 0
              f32x4.splat
              local.set $c3_0
              f32.const 0
              f32x4.splat
              local.set $c3_1
              local.get $segs
              local.set $runs
              block
                local.get $runs
                i32.eqz
                br_if 0
                loop
                  local.get $seg
                  local.set $steps
                  block
                    local.get $steps
                    i32.eqz
                    br_if 0
                    loop
                      local.get $pb
                      v128.load align=16
                      local.set $b0
                      local.get $pb
                      v128.load offset=16 align=16
                      local.set $b1
                      local.get $pa
                      local.get $r0
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c0_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c0_0
                      local.get $c0_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c0_1
                      local.get $pa
                      local.get $r1
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c1_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c1_0
                      local.get $c1_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c1_1
                      local.get $pa
                      local.get $r2
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c2_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c2_0
                      local.get $c2_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c2_1
                      local.get $pa
                      local.get $r3
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c3_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c3_0
                      local.get $c3_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c3_1
                      local.get $pa
                      local.get $kStep
                      i32.add
                      local.set $pa
                      local.get $pb
                      i32.const 32
                      i32.add
                      local.set $pb
                      local.get $steps
                      i32.const 1
                      i32.sub
                      local.set $steps
                      local.get $steps
                      br_if 0
                    end
                  end
                  local.get $pa
                  local.get $skip
                  i32.add
                  local.set $pa
                  local.get $runs
                  i32.const 1
                  i32.sub
                  local.set $runs
                  local.get $runs
                  br_if 0
                end
              end
              local.get $C
              local.get $i0
              local.get $ldc
              i32.mul
              local.get $j0
              i32.add
              i32.const 4
              i32.mul
              i32.add
              local.set $row
              local.get $rows
              i32.const 4
              i32.ge_u
              local.get $cols
              i32.const 8
              i32.ge_u
              i32.and
              if
                local.get $row
                local.get $c0_0
                v128.store align=16
                local.get $row
                local.get $c0_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $row
                local.get $c1_0
                v128.store align=16
                local.get $row
                local.get $c1_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $row
                local.get $c2_0
                v128.store align=16
                local.get $row
                local.get $c2_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $row
                local.get $c3_0
                v128.store align=16
                local.get $row
                local.get $c3_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
              else
                local.get $rows
                i32.const 0
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $rows
                i32.const 1
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $rows
                i32.const 2
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $rows
                i32.const 3
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
              end
              local.get $j0
              i32.const 8
              i32.add
              local.set $j0
              local.get $j0
              local.get $n
              i32.lt_u
              br_if 0
            end
          end
          local.get $i0
          i32.const 4
          i32.add
          local.set $i0
          local.get $i0
          local.get $m
          i32.lt_u
          br_if 0
        end
      end
    else
      i32.const 0
      local.set $j0
      block
        local.get $j0
        local.get $n
        i32.ge_u
        br_if 0
        loop
          i32.const 0
          local.set $i0
          block
            local.get $i0
            local.get $m
            i32.ge_u
            br_if 0
            loop
              local.get $n
              local.get $j0
              i32.sub
              local.set $cols
              local.get $m
              local.get $i0
              i32.sub
              local.set $rows
              local.get $ta
              if
                local.get $Ap
                local.get $i0
                local.get $k
                i32.mul
                i32.const 4
                i32.mul
                i32.add
                local.set $pa
                i32.const 0
                local.set $r0
                i32.const 4
                local.set $r1
                i32.const 8
                local.set $r2
                i32.const 12
                local.set $r3
                i32.const 16
                local.set $kStep
              else
                local.get $ohow
                if
                  local.get $A
                  local.set $pa
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 0
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 0
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r0
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 1
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 1
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r1
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 2
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 2
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r2
                  local.get $row0
                  local.get $i0
                  i32.add
                  i32.const 3
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 3
                  local.get $rows
                  i32.lt_u
                  select
                  i32.add
                  local.set $wp
                  local.get $wp
                  local.get $ohow
                  i32.rem_u
                  local.set $wq
                  local.get $wp
                  local.get $ohow
                  i32.div_u
                  local.get $hwc4
                  i32.mul
                  local.get $wq
                  local.get $ow
                  i32.div_u
                  local.get $shwc4
                  i32.mul
                  i32.add
                  local.get $wq
                  local.get $ow
                  i32.rem_u
                  local.get $swc4
                  i32.mul
                  i32.add
                  local.set $r3
                else
                  local.get $A
                  local.get $i0
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  i32.add
                  local.set $pa
                  i32.const 0
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 0
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r0
                  i32.const 1
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 1
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r1
                  i32.const 2
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 2
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r2
                  i32.const 3
                  local.get $rows
                  i32.const 1
                  i32.sub
                  i32.const 3
                  local.get $rows
                  i32.lt_u
                  select
                  local.get $lda
                  i32.const 4
                  i32.mul
                  i32.mul
                  local.set $r3
                end
                i32.const 4
                local.set $kStep
              end
              local.get $Bp
              local.get $j0
              local.get $k
              i32.mul
              i32.const 4
              i32.mul
              i32.add
              local.set $pb
              f32.const 0
              f32x4.splat
              local.set $c0_0
              f32.const 0
              f32x4.splat
              local.set $c0_1
              f32.const 0
              f32x4.splat
              local.set $c1_0
              f32.const 0
              f32x4.splat
              local.set $c1_1
              f32.const 0
              f32x4.splat
              local.set $c2_0
              f32.const 0
              f32x4.splat
              local.set $c2_1
              f32.const 0
              f32x4.splat
              local.set $c3_0
              f32.const 0
              f32x4.splat
              local.set $c3_1
              local.get $segs
              local.set $runs
              block
                local.get $runs
                i32.eqz
                br_if 0
                loop
                  local.get $seg
                  local.set $steps
                  block
                    local.get $steps
                    i32.eqz
                    br_if 0
                    loop
                      local.get $pb
                      v128.load align=16
                      local.set $b0
                      local.get $pb
                      v128.load offset=16 align=16
                      local.set $b1
                      local.get $pa
                      local.get $r0
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c0_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c0_0
                      local.get $c0_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c0_1
                      local.get $pa
                      local.get $r1
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c1_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c1_0
                      local.get $c1_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c1_1
                      local.get $pa
                      local.get $r2
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c2_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c2_0
                      local.get $c2_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c2_1
                      local.get $pa
                      local.get $r3
                      i32.add
                      v128.load32_splat
                      local.set $a
                      local.get $c3_0
                      local.get $a
                      local.get $b0
                      f32x4.mul
                      f32x4.add
                      local.set $c3_0
                      local.get $c3_1
                      local.get $a
                      local.get $b1
                      f32x4.mul
                      f32x4.add
                      local.set $c3_1
                      local.get $pa
                      local.get $kStep
                      i32.add
                      local.set $pa
                      local.get $pb
                      i32.const 32
                      i32.add
                      local.set $pb
                      local.get $steps
                      i32.const 1
                      i32.sub
                      local.set $steps
                      local.get $steps
                      br_if 0
                    end
                  end
                  local.get $pa
                  local.get $skip
                  i32.add
                  local.set $pa
                  local.get $runs
                  i32.const 1
                  i32.sub
                  local.set $runs
                  local.get $runs
                  br_if 0
                end
              end
              local.get $C
              local.get $i0
              local.get $ldc
              i32.mul
              local.get $j0
              i32.add
              i32.const 4
              i32.mul
              i32.add
              local.set $row
              local.get $rows
              i32.const 4
              i32.ge_u
              local.get $cols
              i32.const 8
              i32.ge_u
              i32.and
              if
                local.get $row
                local.get $c0_0
                v128.store align=16
                local.get $row
                local.get $c0_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $row
                local.get $c1_0
                v128.store align=16
                local.get $row
                local.get $c1_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $row
                local.get $c2_0
                v128.store align=16
                local.get $row
                local.get $c2_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $row
                local.get $c3_0
                v128.store align=16
                local.get $row
                local.get $c3_1
                v128.store offset=16 align=16
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
              else
                local.get $rows
                i32.const 0
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c0_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $rows
                i32.const 1
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c1_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $rows
                i32.const 2
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c2_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
                local.get $rows
                i32.const 3
                i32.gt_u
                if
                  local.get $cols
                  i32.const 0
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 0
                    f32.store
                  end
                  local.get $cols
                  i32.const 1
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 1
                    f32.store offset=4
                  end
                  local.get $cols
                  i32.const 2
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 2
                    f32.store offset=8
                  end
                  local.get $cols
                  i32.const 3
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_0
                    f32x4.extract_lane 3
                    f32.store offset=12
                  end
                  local.get $cols
                  i32.const 4
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 0
                    f32.store offset=16
                  end
                  local.get $cols
                  i32.const 5
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 1
                    f32.store offset=20
                  end
                  local.get $cols
                  i32.const 6
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 2
                    f32.store offset=24
                  end
                  local.get $cols
                  i32.const 7
                  i32.gt_u
                  if
                    local.get $row
                    local.get $c3_1
                    f32x4.extract_lane 3
                    f32.store offset=28
                  end
                end
                local.get $row
                local.get $ldc
                i32.const 4
                i32.mul
                i32.add
                local.set $row
              end
              local.get $i0
              i32.const 4
              i32.add
              local.set $i0
              local.get $i0
              local.get $m
              i32.lt_u
              br_if 0
            end
          end
          local.get $j0
          i32.const 8
          i32.add
          local.set $j0
          local.get $j0
          local.get $n
          i32.lt_u
          br_if 0
        end
      end
    end
  )
)
