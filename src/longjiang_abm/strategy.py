"""The strategy's headline targets and the statistical threshold they are counted by.

The 2019 strategy (seed/longjiang_industrial_strategy_2019.txt) aims, within about five
years, at secondary industry of 35-40% of GDP and 5000 above-scale (规模以上) industrial
enterprises. NBS counts a firm as above scale when its annual main-business revenue is at
least 20 million yuan (current prices): ``above_scale`` applies it to the model's yuan of 2018
purchasing power.
"""

TARGET_SECONDARY_SHARE = (0.35, 0.40)  # secondary industry, share of GDP
TARGET_ABOVE_SCALE_FIRMS = 5000  # above-scale industrial enterprises
ABOVE_SCALE_REVENUE = 2000.0  # 10k yuan of revenue a year: 20 million yuan


def above_scale(revenue, price_level: float):
    """Above scale as NBS counts it: annual revenue of at least 20 million CURRENT yuan. The
    model's money is yuan of 2018 purchasing power, so a year's revenue R (10k yuan) is above
    scale when R L_y >= 2000, with L_y China's GDP deflator of that year (2018 = 1;
    ``Environment.price_levels``). Works on scalars and arrays."""
    return revenue * price_level >= ABOVE_SCALE_REVENUE
