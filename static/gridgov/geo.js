// Patrol forms: fill the hidden lat/lng inputs with the phone's location when allowed.
(function () {
  if (!navigator.geolocation) return;
  var forms = document.querySelectorAll("form.geo");
  if (!forms.length) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    forms.forEach(function (f) {
      f.lat.value = pos.coords.latitude.toFixed(6);
      f.lng.value = pos.coords.longitude.toFixed(6);
    });
  }, function () {}, { timeout: 10000, maximumAge: 60000 });
})();
