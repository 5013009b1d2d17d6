"""The steps of one quarter, one module per row of the schedule (``LongjiangModel.step``).

Each module holds one mechanism and is named like its kernel module (``steps/credit.py`` <->
``kernels/credit.py``); each step takes the state bundles it reads and writes as arguments
(``state/``) and says in its docstring what it writes. In the order of the quarter:

policy       levers in force -> instruments                         (no kernel)
parks        co-builders' funds, park infrastructure                (no kernel)
plans        expectations, capacity, labour and investment plans    kernels/plans.py
credit       the credit market                                      kernels/credit.py
labour       hiring; wages, labour pool and migration               kernels/labour.py
goods        prices, shares, demand and production                  kernels/goods.py
finance      income statements, taxes, subsidies; investment        kernels/finance.py
innovation   R&D, spillovers, digital adoption                      kernels/innovation.py
demography   exit (bail-outs, rescues) and entry (location choice)  kernels/demography.py
totals       the quarter's totals over the firm table               kernels/totals.py
annual       the calendar year's opening and close                  kernels/annual.py
"""
