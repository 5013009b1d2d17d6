"""The strategy's headline targets and the statistical threshold they are counted by.

The 2019 strategy (seed/longjiang_industrial_strategy_2019.txt) aims, within about five
years, at secondary industry of 35-40% of GDP and 5000 above-scale (规模以上) industrial
enterprises. NBS counts a firm as above scale when its annual main-business revenue is at
least 20 million yuan (current prices).
"""

TARGET_SECONDARY_SHARE = (0.35, 0.40)  # secondary industry, share of GDP
TARGET_ABOVE_SCALE_FIRMS = 5000  # above-scale industrial enterprises
ABOVE_SCALE_REVENUE = 2000.0  # 10k yuan of revenue a year: 20 million yuan
