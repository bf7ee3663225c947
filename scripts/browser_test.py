#!/usr/bin/python3
"""Drives the page of `trame serve` in headless Chromium (Debian's chromium + chromium-driver, Selenium):
the map shows the scheme's layers, a click shows what the scheme says there, a route between two hubs
is planned; saves a screenshot.

usage: browser_test.py URL LON LAT SCREENSHOT.png
LON LAT: a point inside a nature space (the caller finds one). Prints a JSON summary; exits 1 on failure.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, lon, lat, shot = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
opts = Options()
for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900", "--disable-gpu"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
summary = {}
try:
    driver.get(url)
    wait = WebDriverWait(driver, 60)
    # 1. The layers are drawn (SVG paths and markers in Leaflet's overlay pane).
    wait.until(lambda d: d.execute_script("return document.body.dataset.loaded") is not None)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")) > 20)
    summary["paths"] = len(driver.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path"))
    summary["layer_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#layer-list input"))
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "p.error") if e.text.strip()]
    assert not errors, errors

    # 2. A click inside a nature space shows the point query.
    mapel = driver.find_element(By.ID, "map")
    x, y = driver.execute_script("const p = map.latLngToContainerPoint([arguments[1], arguments[0]]); return [p.x, p.y];", lon, lat)
    w, h = mapel.size["width"], mapel.size["height"]
    ActionChains(driver).move_to_element_with_offset(mapel, int(x - w / 2), int(y - h / 2)).click().perform()
    wait.until(lambda d: "Nature space" in d.find_element(By.ID, "query-result").text)
    summary["query"] = driver.find_element(By.ID, "query-result").text[:400]

    # 3. A walking route between two hubs: length, time, green share, GPX link, the line on the map.
    driver.find_element(By.CSS_SELECTOR, "#tabs button[data-tab=itinerary]").click()
    wait.until(lambda d: len(Select(d.find_element(By.ID, "hub-a")).options) > 2)
    Select(driver.find_element(By.ID, "hub-a")).select_by_index(1)
    Select(driver.find_element(By.ID, "hub-b")).select_by_index(2)
    driver.find_element(By.ID, "go-route").click()
    wait.until(lambda d: "km" in d.find_element(By.ID, "route-result").text or d.find_elements(By.CSS_SELECTOR, "#route-result .error"))
    summary["route"] = driver.find_element(By.ID, "route-result").text
    assert "km" in summary["route"], summary["route"]
    assert driver.find_element(By.ID, "gpx-link").get_attribute("href").endswith("format=gpx")
    assert driver.find_elements(By.CSS_SELECTOR, '.leaflet-overlay-pane path[stroke="#e65100"]'), "the route is drawn"

    # 4. The named itineraries: listed with their GPX, one shown on the map (zoomed on, outlined).
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#named-itineraries .named-itinerary")) > 0)
    items = driver.find_elements(By.CSS_SELECTOR, "#named-itineraries .named-itinerary")
    summary["named_itineraries"] = [i.text.split("\n")[0] for i in items]
    links = driver.find_elements(By.CSS_SELECTOR, "#named-itineraries a[download]")
    assert len(links) == len(items) and all("/api/itineraries/" in a.get_attribute("href") for a in links), "a GPX per itinerary"
    items[0].find_element(By.CSS_SELECTOR, "button[data-show]").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '.leaflet-overlay-pane path[stroke="#000"]'))
    driver.save_screenshot(shot)
    summary["screenshot"] = shot
    print(json.dumps(summary))
except Exception as e:
    driver.save_screenshot(shot)
    print(json.dumps({"failure": repr(e), **summary}))
    sys.exit(1)
finally:
    driver.quit()
