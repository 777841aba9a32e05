"""Public service items (便民服务), service requests (一窗受理/代办) and volunteer tasks: no models
yet."""
