"""Renkei (連携): the platform for 在宅医療・介護連携推進事業."""

__version__ = "0.1.0"
