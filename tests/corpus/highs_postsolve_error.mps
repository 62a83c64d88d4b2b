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
 L  r20     
 L  r21     
 L  r22     
 G  r23     
 L  r24     
 G  r25     
 L  r26     
 L  r27     
 L  r28     
 L  r29     
 L  r30     
 L  r31     
 G  r32     
 L  r33     
 L  r34     
 E  r35     
 E  r36     
 E  r37     
 E  r38     
 E  r39     
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
 G  r53     
COLUMNS
    MARK0000  'MARKER'                 'INTORG'
    c0        r0        0.25
    c0        r1        -1
    c0        r28       -1
    c0        r46       1
    c0        r53       1
    c1        r2        0.5
    c1        r3        -1
    c1        r31       -1
    c1        r50       1
    c1        r53       1
    c2        r4        0.10000000000000001
    c2        r5        -1
    c2        r29       -1
    c2        r33       1
    c2        r47       1
    c2        r53       1
    c3        r6        0.80000000000000004
    c3        r7        -1
    c3        r26       -1
    c3        r40       1
    c3        r53       -1
    c4        r8        0.80000000000000004
    c4        r9        -1
    c4        r31       -1
    c4        r51       1
    c4        r53       1
    c5        r10       0.20000000000000001
    c5        r11       -1
    c5        r26       -1
    c5        r41       1
    c5        r53       -1
    c6        r12       0.5
    c6        r13       -1
    c6        r30       -1
    c6        r48       1
    c6        r53       1
    c7        r14       0.5
    c7        r15       -1
    c7        r27       -1
    c7        r43       1
    c7        r53       -1
    c8        r16       0.083333333333333329
    c8        r17       -1
    c8        r30       -1
    c8        r49       1
    c8        r53       1
    c9        r18       0.5
    c9        r19       -1
    c9        r27       -1
    c9        r34       -1
    c9        r44       1
    c9        r53       -1
    c10       Obj       3.7124999999999999
    c10       r22       550
    c10       r23       550
    c10       r27       -1
    c10       r45       1
    c10       r53       -1
    c11       r20       0.25
    c11       r21       -1
    c11       r26       -1
    c11       r34       1
    c11       r42       1
    c11       r53       -1
    MARK0001  'MARKER'                 'INTEND'
    c12       Obj       4.7024999999999997
    c12       r0        -1
    c12       r1        1
    c12       r22       400
    c13       Obj       4.4550000000000001
    c13       r2        -1
    c13       r3        1
    c13       r22       700
    c13       r25       700
    c14       Obj       4.5
    c14       r4        -1
    c14       r5        1
    c14       r22       900
    c14       r23       900
    c14       r35       10
    c15       Obj       4.7024999999999997
    c15       r6        -1
    c15       r7        1
    c15       r22       1000
    c15       r25       1000
    c16       Obj       2.9700000000000002
    c16       r8        -1
    c16       r9        1
    c16       r22       1350
    c16       r25       1350
    c17       Obj       4.9500000000000002
    c17       r10       -1
    c17       r11       1
    c17       r22       1200
    c17       r25       1200
    c17       r36       5
    c18       Obj       3.2400000000000002
    c18       r12       -1
    c18       r13       1
    c18       r22       1500
    c18       r24       1500
    c18       r37       10
    c19       Obj       4.5
    c19       r14       -1
    c19       r15       1
    c19       r22       1550
    c19       r23       1550
    c19       r38       2
    c20       Obj       3.6000000000000001
    c20       r16       -1
    c20       r17       1
    c20       r22       1550
    c20       r24       1550
    c20       r39       12
    c21       Obj       4.0499999999999998
    c21       r18       -1
    c21       r19       1
    c21       r22       500
    c21       r23       500
    c22       Obj       4.7024999999999997
    c22       r20       -1
    c22       r21       1
    c22       r22       150
    c22       r25       150
    MARK0002  'MARKER'                 'INTORG'
    c23       r26       1
    c23       r32       1
    c24       r27       1
    c24       r32       1
    c25       r28       1
    c25       r32       1
    c26       r29       1
    c26       r32       1
    c27       r30       1
    c27       r32       1
    c28       r31       1
    c28       r32       1
    c29       r35       -1
    c30       r36       -1
    c31       r37       -1
    c32       r38       -1
    c33       r39       -1
    c34       r40       -1
    c34       r41       -1
    c34       r42       -1
    c34       r52       1
    c35       r43       -1
    c35       r44       -1
    c35       r45       -1
    c35       r52       1
    c36       r46       -1
    c36       r52       1
    c37       r47       -1
    c37       r52       1
    c38       r48       -1
    c38       r49       -1
    c38       r52       1
    c39       r50       -1
    c39       r51       -1
    c39       r52       1
    MARK0003  'MARKER'                 'INTEND'
RHS
    RHS_V     r22       9350
    RHS_V     r23       935
    RHS_V     r24       2805
    RHS_V     r25       467.5
    RHS_V     r32       2
    RHS_V     r52       2
    RHS_V     r53       -1
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
 UP BOUND     c12       1
 UP BOUND     c13       1
 UP BOUND     c14       1
 UP BOUND     c15       1
 UP BOUND     c16       1
 UP BOUND     c17       1
 UP BOUND     c18       1
 UP BOUND     c19       1
 UP BOUND     c20       1
 UP BOUND     c21       1
 UP BOUND     c22       1
 BV BOUND     c23     
 BV BOUND     c24     
 BV BOUND     c25     
 BV BOUND     c26     
 BV BOUND     c27     
 BV BOUND     c28     
 UI BOUND     c29       10
 UI BOUND     c30       5
 UI BOUND     c31       10
 UI BOUND     c32       2
 UI BOUND     c33       12
 BV BOUND     c34     
 BV BOUND     c35     
 BV BOUND     c36     
 BV BOUND     c37     
 BV BOUND     c38     
 BV BOUND     c39     
ENDATA
