"""Small tables of places: industrial parks and the 13 prefectures."""

from __future__ import annotations

import numpy as np


class ParkTable:
    """Industrial parks: location, level, specialisation, capacity, infrastructure, funders."""

    def __init__(self, keys, names, pref, national, chain, land_capacity, infrastructure):
        self.keys = list(keys)
        self.names = list(names)
        self.pref = np.asarray(pref, dtype=np.int64)
        self.national = np.asarray(national, dtype=np.bool_)
        self.chain = np.asarray(chain, dtype=np.int64)
        self.capacity0 = np.asarray(land_capacity, dtype=np.float64)
        self.capacity = self.capacity0.copy()
        self.infra0 = np.asarray(infrastructure, dtype=np.float64)
        self.infra = self.infra0.copy()
        self.infra_applied = self.infra0.copy()  # level last passed to firms' productivity
        n = len(self.keys)
        self.funds = np.zeros(n)  # infrastructure funding received this quarter, 10k yuan
        self.funds_province = np.zeros(n)
        self.coco = np.zeros(n)  # co-construction intensity in force this quarter (0-1)
        self.output = np.zeros(n)  # revenue this quarter, 10k yuan
        self.room = self.capacity0.copy()  # free firm slots seen by promoted projects
        self.rev_ytd = np.zeros(n)
        self.rev_year = np.zeros(n)

    def __len__(self) -> int:
        return len(self.keys)


class PrefectureTable:
    """The 13 prefectures: seat coordinates, labour markets and wages."""

    def __init__(self, keys, names_zh, lat, lon, wage, labour_supply):
        self.keys = list(keys)
        self.names_zh = list(names_zh)
        self.lat = np.asarray(lat, dtype=np.float64)
        self.lon = np.asarray(lon, dtype=np.float64)
        self.wage = np.asarray(wage, dtype=np.float64)  # 10k yuan per worker per year
        self.wage0 = self.wage.copy()  # 2018 wages
        self.labour_pool = np.asarray(labour_supply, dtype=np.float64)  # persons at 2018 wages
        self.labour_supply = self.labour_pool.copy()  # persons at current wages
        self.labour_demand = np.zeros(len(self.keys))
        self.employment = np.zeros(len(self.keys))

    def __len__(self) -> int:
        return len(self.keys)
