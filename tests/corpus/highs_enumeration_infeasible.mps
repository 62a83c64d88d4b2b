NAME        
OBJSENSE
  MAX
ROWS
 N  Obj     
 L  r0      
 L  r1      
 L  r2      
 L  r3      
 L  r4      
 L  r5      
 L  r6      
 L  r7      
 L  r8      
 L  r9      
 L  r10     
 L  r11     
 L  r12     
 L  r13     
 L  r14     
 L  r15     
 L  r16     
 L  r17     
 L  r18     
 L  r19     
 G  r20     
 L  r21     
 L  r22     
 L  r23     
 L  r24     
 L  r25     
 L  r26     
 L  r27     
 E  r28     
 E  r29     
 E  r30     
 E  r31     
 L  r32     
 L  r33     
 L  r34     
 L  r35     
 L  r36     
 L  r37     
 L  r38     
 L  r39     
 L  r40     
 L  r41     
 L  r42     
 L  r43     
 L  r44     
 L  r45     
 L  r46     
 L  r47     
 L  r48     
 L  r49     
 L  r50     
 L  r51     
 L  r52     
 L  r53     
 L  r54     
 L  r55     
 L  r56     
COLUMNS
    MARK0000  'MARKER'                 'INTORG'
    c0        r0        0.59999999999999998
    c0        r1        -1
    c0        r19       -1
    c0        r43       1
    c1        Obj       -1.5086156800000015
    c1        r14       750
    c1        r15       750
    c1        r19       -1
    c1        r44       1
    c2        Obj       11.829188800000003
    c2        r14       750
    c2        r15       750
    c2        r19       -1
    c2        r22       -1
    c2        r45       1
    c3        Obj       7.4032816000000006
    c3        r14       600
    c3        r15       600
    c3        r19       -1
    c3        r46       1
    c4        Obj       6.7697344000000017
    c4        r14       850
    c4        r15       850
    c4        r19       -1
    c4        r26       1
    c4        r47       1
    c5        r2        0.5
    c5        r3        -1
    c5        r18       -1
    c5        r39       1
    c6        Obj       5.0048325599999997
    c6        r14       900
    c6        r17       -1
    c6        r26       1
    c6        r33       1
    c7        Obj       1.3442629200000002
    c7        r14       200
    c7        r17       -1
    c7        r21       1
    c7        r27       1
    c7        r34       1
    c8        Obj       -1.7162288000000019
    c8        r14       550
    c8        r15       550
    c8        r19       -1
    c8        r22       1
    c8        r48       1
    c9        Obj       -0.61680000000000057
    c9        r14       1350
    c9        r18       -1
    c9        r27       1
    c9        r40       1
    c10       Obj       13.750651200000004
    c10       r14       450
    c10       r15       450
    c10       r19       -1
    c10       r26       1
    c10       r49       1
    c11       r4        0.80000000000000004
    c11       r5        -1
    c11       r17       -1
    c11       r35       1
    c12       r6        0.66666666666666663
    c12       r7        -1
    c12       r18       -1
    c12       r41       1
    c13       Obj       8.8051163200000016
    c13       r14       500
    c13       r15       500
    c13       r19       -1
    c13       r50       1
    c14       Obj       13.075462400000003
    c14       r14       950
    c14       r15       950
    c14       r19       -1
    c14       r51       1
    c15       Obj       0.7748000000000006
    c15       r14       750
    c15       r18       -1
    c15       r42       1
    c16       Obj       7.1729886800000022
    c16       r14       1250
    c16       r15       1250
    c16       r19       -1
    c16       r23       1
    c16       r52       1
    c17       Obj       6.7807396800000017
    c17       r14       400
    c17       r15       400
    c17       r19       -1
    c17       r26       1
    c17       r53       1
    c18       r8        0.5
    c18       r9        -1
    c18       r16       -1
    c18       r32       1
    c19       Obj       8.2866784000000013
    c19       r14       500
    c19       r15       500
    c19       r19       -1
    c19       r54       1
    c20       r10       0.25
    c20       r11       -1
    c20       r17       -1
    c20       r24       1
    c20       r36       1
    c21       Obj       3.0181424000000003
    c21       r14       750
    c21       r17       -1
    c21       r25       1
    c21       r37       1
    c22       r12       0.33333333333333331
    c22       r13       -1
    c22       r19       -1
    c22       r26       1
    c22       r55       1
    c23       Obj       4.8536488000000002
    c23       r14       450
    c23       r17       -1
    c23       r27       1
    c23       r38       1
    MARK0001  'MARKER'                 'INTEND'
    c24       Obj       6.7463110000000031
    c24       r0        -1
    c24       r1        1
    c24       r14       800
    c24       r15       800
    c24       r28       5
    c25       Obj       2.6151999999999997
    c25       r2        -1
    c25       r3        1
    c25       r14       300
    c26       Obj       1.3915683600000004
    c26       r4        -1
    c26       r5        1
    c26       r14       1150
    c27       Obj       7.4039999999999999
    c27       r6        -1
    c27       r7        1
    c27       r14       250
    c27       r29       3
    c28       Obj       2.9945499999999998
    c28       r8        -1
    c28       r9        1
    c28       r14       550
    c29       Obj       4.0942720000000001
    c29       r10       -1
    c29       r11       1
    c29       r14       750
    c29       r30       4
    c30       Obj       -1.6204531200000016
    c30       r12       -1
    c30       r13       1
    c30       r14       1500
    c30       r15       1500
    c30       r31       3
    MARK0002  'MARKER'                 'INTORG'
    c31       r16       1
    c31       r20       1
    c32       r17       1
    c32       r20       1
    c33       r18       1
    c33       r20       1
    c34       r19       1
    c34       r20       1
    c35       r28       -1
    c36       r29       -1
    c37       r30       -1
    c38       r31       -1
    c39       r32       -1
    c39       r56       1
    c40       r33       -1
    c40       r34       -1
    c40       r35       -1
    c40       r36       -1
    c40       r37       -1
    c40       r38       -1
    c40       r56       1
    c41       r39       -1
    c41       r40       -1
    c41       r41       -1
    c41       r42       -1
    c41       r56       1
    c42       r43       -1
    c42       r44       -1
    c42       r45       -1
    c42       r46       -1
    c42       r47       -1
    c42       r48       -1
    c42       r49       -1
    c42       r50       -1
    c42       r51       -1
    c42       r52       -1
    c42       r53       -1
    c42       r54       -1
    c42       r55       -1
    c42       r56       1
    MARK0003  'MARKER'                 'INTEND'
RHS
    RHS_V     r14       17740
    RHS_V     r15       8870
    RHS_V     r20       2
    RHS_V     r26       1
    RHS_V     r27       1
    RHS_V     r56       1
BOUNDS
 BV BOUND     c0      
 BV BOUND     c1      
 BV BOUND     c2      
 BV BOUND     c3      
 BV BOUND     c4      
 BV BOUND     c5      
 BV BOUND     c6      
 BV BOUND     c7      
 BV BOUND     c8      
 BV BOUND     c9      
 BV BOUND     c10     
 BV BOUND     c11     
 BV BOUND     c12     
 BV BOUND     c13     
 BV BOUND     c14     
 BV BOUND     c15     
 BV BOUND     c16     
 BV BOUND     c17     
 BV BOUND     c18     
 BV BOUND     c19     
 BV BOUND     c20     
 BV BOUND     c21     
 BV BOUND     c22     
 BV BOUND     c23     
 UP BOUND     c24       1
 UP BOUND     c25       1
 UP BOUND     c26       1
 UP BOUND     c27       1
 UP BOUND     c28       1
 UP BOUND     c29       1
 UP BOUND     c30       1
 BV BOUND     c31     
 BV BOUND     c32     
 BV BOUND     c33     
 BV BOUND     c34     
 UI BOUND     c35       5
 UI BOUND     c36       3
 UI BOUND     c37       4
 UI BOUND     c38       3
 BV BOUND     c39     
 BV BOUND     c40     
 BV BOUND     c41     
 BV BOUND     c42     
ENDATA
